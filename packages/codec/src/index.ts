/**
 * @packageDocumentation
 *
 * The wire codec of the two rendezvous dialects, byte-exact with the peers they must talk to:
 *
 * - `/rendezvous/1.0.0`, the libp2p specification ({@link rendezvous})
 * - `/vac/waku/rendezvous/0.0.1`, the go-waku-rendezvous protocol ({@link waku})
 *
 * Each dialect is a value ({@link Dialect}) carrying its protocol ID, its message codec, its TTL
 * policy and its limits. Messages of both dialects share one shape ({@link RendezvousMessage}).
 * Frames are unsigned-varint length-prefixed, with a size limit the caller sets per direction.
 * Signed peer records are sealed with {@link sealPeerRecord} and verified with {@link openPeerRecord}.
 * All bad input raises a subclass of {@link CodecError}.
 *
 * @example
 *
 * ```TypeScript
 * import { waku, encodeMessageFrame, decodeFrame, DEFAULT_MAX_RESPONSE_BYTES } from '@rendezvous/codec'
 *
 * // DISCOVER "foo", limit 50, as go-waku-rendezvous writes it: 0b 08 02 22 07 0a 03 66 6f 6f 10 32
 * const frame = encodeMessageFrame(waku, { type: 'DISCOVER', ns: 'foo', limit: 50 })
 *
 * const { message } = decodeFrame(frame, { maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES })
 * console.info(waku.decode(message)) // { type: 'DISCOVER', ns: 'foo', limit: 50 }
 * ```
 */

export { rendezvous } from './rendezvous-dialect.ts'
export { waku } from './waku-dialect.ts'
export { encodeMessageFrame, isRequest, isResponse } from './dialect.ts'
export type { Dialect, DialectFeatures, DialectLimits, TtlPolicy } from './dialect.ts'
export type {
  RendezvousMessage, RendezvousRequest, RendezvousResponse, MessageType,
  RegisterMessage, RegisterResponseMessage, UnregisterMessage, DiscoverMessage, DiscoverResponseMessage, Registration
} from './messages.ts'
export { Status, isStatusCode, statusName } from './status.ts'
export type { StatusCode } from './status.ts'
export { encodeFrame, decodeFrame, decodeFrames, FrameDecoder } from './framing.ts'
export type { FrameOptions } from './framing.ts'
export { sealPeerRecord, openPeerRecord } from './peer-record.ts'
export type { VerifiedPeerRecord, OpenPeerRecordOptions, SealPeerRecordOptions } from './peer-record.ts'
export { goldenVectors, GOLDEN_ENVELOPE_HEX } from './golden-vectors.ts'
export type { GoldenVector } from './golden-vectors.ts'
export {
  RENDEZVOUS_PROTOCOL, WAKU_RENDEZVOUS_PROTOCOL, PEER_RECORD_DOMAIN, PEER_RECORD_PAYLOAD_TYPE,
  DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES
} from './constants.ts'
export {
  CodecError, FrameTooLargeError, TruncatedFrameError, InvalidLengthPrefixError, InvalidMessageError,
  UnknownEnumValueError, MissingFieldError, UnsupportedByDialectError, PeerRecordError, InvalidEnvelopeError,
  InvalidSignatureError, WrongPayloadTypeError, InvalidPeerRecordError, KeyMismatchError, UnexpectedPeerError,
  NoAddressesError
} from './errors.ts'
