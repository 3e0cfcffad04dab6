/**
 * @packageDocumentation
 *
 * The wire codec of the three rendezvous dialects in use, byte-exact with the peers they must talk to:
 *
 * - `/rendezvous/1.0.0`, the libp2p specification ({@link rendezvous}; name `rendezvous/1.0.0`)
 * - `/vac/waku/rendezvous/1.0.0`, nwaku's rendezvous ({@link wakuV1}; name `waku/1.0.0`)
 * - `/vac/waku/rendezvous/0.0.1`, the legacy go-waku-rendezvous protocol ({@link wakuV0}; name `waku/0.0.1`)
 *
 * Each dialect is a value ({@link Dialect}) carrying everything that differs between dialects: protocol
 * ID, message codec, TTL policy, limits, discovery semantics, record formats and status texts.
 * {@link DIALECTS} is the one list of them; {@link dialect} looks one up by name or protocol ID.
 * Messages of every dialect share one shape ({@link RendezvousMessage}). Frames are unsigned-varint
 * length-prefixed (written by it-length-prefixed), with a size limit the caller sets per direction.
 *
 * Signed peer records come in three formats, each a value ({@link RecordFormat}): `standard` (RFC 0003),
 * `rust-legacy` (rust-libp2p) and `waku` (nwaku's `WakuPeerRecord`), listed in {@link RECORD_FORMATS}.
 * {@link sealPeerRecord} seals one, {@link openPeerRecord} verifies any accepted one, and
 * {@link verifyPeerRecord} verifies it the same way for a rendezvous point, which keeps only a summary of it
 * ({@link PeerRecordSummary}).
 * All bad input raises a subclass of {@link CodecError}. Test material (golden frames of every dialect and
 * envelopes of every record format) is exported by `@rendezvous/codec/testing`, not here.
 *
 * @example
 *
 * ```TypeScript
 * import { wakuV0, encodeMessageFrame, decodeFrame, DEFAULT_MAX_RESPONSE_BYTES } from '@rendezvous/codec'
 *
 * // DISCOVER "foo", limit 50, as go-waku-rendezvous writes it: 0b 08 02 22 07 0a 03 66 6f 6f 10 32
 * const frame = encodeMessageFrame(wakuV0, { type: 'DISCOVER', ns: 'foo', limit: 50 })
 *
 * const { message } = decodeFrame(frame, { maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES })
 * console.info(wakuV0.decode(message)) // { type: 'DISCOVER', ns: 'foo', limit: 50 }
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
export { rendezvous } from './rendezvous-dialect.ts'
export { wakuV0 } from './waku-v0-dialect.ts'
export { wakuV1 } from './waku-v1-dialect.ts'
export { DIALECTS, dialect } from './dialects.ts'
export { encodeMessageFrame, isRequest, isResponse } from './dialect.ts'
export type {
  Dialect, DialectFeatures, DialectLimits, DialectRecords, DialectTexts, DialectTtl, DiscoverySemantics, TtlPolicy
} from './dialect.ts'
export type {
  RendezvousMessage, RendezvousRequest, RendezvousResponse, MessageType,
  RegisterMessage, RegisterResponseMessage, UnregisterMessage, DiscoverMessage, DiscoverResponseMessage, Registration
} from './messages.ts'
export { Status, isStatusCode, statusName } from './status.ts'
export type { StatusCode } from './status.ts'
export { encodeFrame, decodeFrame, decodeFrames, FrameDecoder } from './framing.ts'
export type { FrameOptions } from './framing.ts'
export { readFirstFrame } from './read-first-frame.ts'
export { standardRecord } from './standard-record.ts'
export { rustLegacyRecord } from './rust-legacy-record.ts'
export { wakuRecord } from './waku-record.ts'
export { RECORD_FORMATS, recordFormat, formatOfPayloadType } from './record-formats.ts'
export type { RecordFormatName } from './record-formats.ts'
export type { RecordFormat, PeerRecordContent } from './record-format.ts'
export { sealPeerRecord, openPeerRecord } from './peer-record.ts'
export { verifyPeerRecord } from './verify-peer-record.ts'
export type { VerifiedPeerRecord, PeerRecordSummary, OpenPeerRecordOptions, SealPeerRecordOptions } from './peer-record.ts'
export {
  RENDEZVOUS_PROTOCOL, WAKU_V0_PROTOCOL, WAKU_V1_PROTOCOL,
  STANDARD_RECORD_DOMAIN, STANDARD_RECORD_PAYLOAD_TYPE, RUST_LEGACY_RECORD_DOMAIN, RUST_LEGACY_RECORD_PAYLOAD_TYPE,
  WAKU_RECORD_DOMAIN, WAKU_RECORD_PAYLOAD_TYPE, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES
} from './constants.ts'
export {
  CodecError, FrameTooLargeError, TruncatedFrameError, StreamEndedError, InvalidLengthPrefixError, MalformedMessageError,
  UnknownEnumValueError, MissingFieldError, UnsupportedByDialectError, UnknownDialectError, PeerRecordError,
  InvalidEnvelopeError, InvalidSignatureError, WrongPayloadTypeError, InvalidPeerRecordError, KeyMismatchError,
  RecordOfAnotherPeerError, NoAddressesError, UnknownRecordFormatError
} from './errors.ts'
export * from './federation-messages.ts'
