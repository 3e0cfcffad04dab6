import { peerIdFromPrivateKey, peerIdFromPublicKey } from '@libp2p/peer-id'
import { RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { InvalidEnvelopeError, InvalidSignatureError, KeyMismatchError, NoAddressesError, RecordOfAnotherPeerError, WrongPayloadTypeError } from './errors.ts'
import { openPlainEnvelope, plainUint64 } from './plain-envelope.ts'
import { formatOfPayloadType, RECORD_FORMATS, recordFormat } from './record-formats.ts'
import { standardRecord } from './standard-record.ts'
import type { PeerRecordContent, RecordFormat } from './record-format.ts'
import type { AbortOptions, PeerId, PrivateKey, PublicKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** What verifying a signed peer record proves, without its addresses as objects: what a rendezvous point keeps */
export interface PeerRecordSummary {
  /** The peer the record belongs to; equal to the key that signed it */
  peerId: PeerId
  /** How many addresses the record lists */
  addressCount: number
  /** Total length of the binary multiaddrs (the 0.0.1 dialect caps it at 2048) */
  addressBytes: number
  /** The record format the envelope is in */
  format: RecordFormat
}

/** A signed peer record that was opened and verified */
export interface VerifiedPeerRecord extends PeerRecordSummary {
  /** The key that signed the envelope */
  publicKey: PublicKey
  multiaddrs: Multiaddr[]
  /** Sequence number; later records of one peer carry higher numbers */
  seq: bigint
  /** The envelope bytes that were verified */
  envelope: Uint8Array
  /** nwaku's mix public key, in the `waku` format only */
  mixKey?: string
}

export interface OpenPeerRecordOptions extends AbortOptions {
  /** Fail with {@link RecordOfAnotherPeerError} unless the record belongs to this peer */
  expectedPeer?: PeerId
  /**
   * The formats accepted (values or names); default: every format in `RECORD_FORMATS`. An envelope of any
   * other payload type fails with {@link WrongPayloadTypeError} before its signature is checked.
   */
  formats?: ReadonlyArray<RecordFormat | string>
}

export interface SealPeerRecordOptions extends AbortOptions {
  /** The record format (value or name); default `standard` */
  format?: RecordFormat | string
  /** Defaults to the format's clock (milliseconds, or unix seconds for `waku`), so later records carry higher numbers */
  seq?: bigint
  /** nwaku's mix public key for the `waku` format (written as the empty string when absent, as nwaku needs the field) */
  mixKey?: string
}

/** A signed envelope's view of a record: domain, payload type and payload bytes */
class EnvelopePayload {
  readonly domain: string
  readonly codec: Uint8Array
  private readonly bytes: Uint8Array

  constructor (format: RecordFormat, content: PeerRecordContent) {
    this.domain = format.domain
    this.codec = format.payloadType
    this.bytes = format.encodePayload(content)
  }

  marshal (): Uint8Array {
    return this.bytes
  }

  equals (other: unknown): boolean {
    return other instanceof EnvelopePayload && uint8ArrayEquals(this.bytes, other.bytes)
  }
}

/**
 * Seal a node's own peer record into a signed envelope of the given format (default `standard`: domain
 * `libp2p-peer-record`, payload type 0x03 0x01), as REGISTER carries it.
 *
 * @throws {NoAddressesError} when `multiaddrs` is empty: rendezvous points reject records without addresses
 * @throws {UnknownRecordFormatError} for a format name that does not exist
 */
export async function sealPeerRecord (privateKey: PrivateKey, multiaddrs: Multiaddr[], options: SealPeerRecordOptions = {}): Promise<Uint8Array> {
  if (multiaddrs.length === 0) {
    throw new NoAddressesError('a peer record needs at least one address')
  }
  const format = recordFormat(options.format ?? standardRecord)
  const payload = new EnvelopePayload(format, {
    peerId: peerIdFromPrivateKey(privateKey),
    multiaddrs,
    seq: options.seq ?? format.defaultSeq(),
    mixKey: options.mixKey
  })
  const envelope = await RecordEnvelope.seal(payload, privateKey, options)
  return envelope.marshal()
}

/**
 * Open a signed peer record of any accepted format and verify it: the payload type is one of the accepted
 * formats, the payload is a record of that format, the envelope's key is the record's peer ID, (when given)
 * the record belongs to `expectedPeer`, and the signature is valid for the format's domain. The structural
 * checks run before the signature, so malformed input costs no signature verification.
 *
 * An envelope of an Ed25519 or secp256k1 key in its usual encoding takes a faster path (`src/plain-envelope.ts`)
 * that accepts and refuses exactly what the generic one does, with the same errors.
 *
 * @throws {InvalidEnvelopeError | WrongPayloadTypeError | InvalidPeerRecordError | KeyMismatchError | RecordOfAnotherPeerError | InvalidSignatureError}
 */
export async function openPeerRecord (bytes: Uint8Array, options: OpenPeerRecordOptions = {}): Promise<VerifiedPeerRecord> {
  const plain = openPlainEnvelope(bytes, options)
  if (plain == null) {
    return openPeerRecordByObjects(bytes, options)
  }
  if (!plain.valid) {
    throw new InvalidSignatureError(`the signature is not valid for the domain ${plain.format.domain}`)
  }
  const mixKey = plain.mixKey == null ? undefined : asciiString(plain.mixKey)
  let multiaddrs: Multiaddr[]
  try {
    multiaddrs = plain.addresses.map(address => multiaddr(address))
  } catch {
    return openPeerRecordByObjects(bytes, options)
  }
  if (mixKey === null) {
    return openPeerRecordByObjects(bytes, options)
  }
  return {
    peerId: plain.peerId,
    publicKey: plain.peerId.publicKey,
    multiaddrs,
    addressCount: multiaddrs.length,
    seq: plainUint64(plain.seq),
    addressBytes: plain.addressBytes,
    envelope: bytes,
    format: plain.format,
    mixKey
  }
}

/** The string of bytes that are all ASCII (where every UTF-8 decoder agrees), else `null` */
function asciiString (bytes: Uint8Array): string | null {
  let text = ''
  for (const byte of bytes) {
    if (byte >= 0x80) {
      return null
    }
    text += String.fromCharCode(byte)
  }
  return text
}

/**
 * {@link openPeerRecord} through `@libp2p/peer-record`'s classes, for every envelope: the generic path, and
 * the reference the fast path is tested against. Not part of the public face.
 *
 * @throws {InvalidEnvelopeError | WrongPayloadTypeError | InvalidPeerRecordError | KeyMismatchError | RecordOfAnotherPeerError | InvalidSignatureError}
 */
export async function openPeerRecordByObjects (bytes: Uint8Array, options: OpenPeerRecordOptions = {}): Promise<VerifiedPeerRecord> {
  let envelope: RecordEnvelope
  try {
    envelope = RecordEnvelope.createFromProtobuf(bytes)
  } catch (err: any) {
    throw new InvalidEnvelopeError(`not a signed envelope: ${err.message}`)
  }

  const accepted = options.formats == null ? RECORD_FORMATS : options.formats.map(recordFormat)
  const format = formatOfPayloadType(envelope.payloadType, accepted)
  if (format == null) {
    throw new WrongPayloadTypeError(`the envelope's payload type is not one of the accepted record formats (${accepted.map(f => f.name).join(', ')})`)
  }

  const record = format.decodePayload(envelope.payload)

  let signer: PeerId
  try {
    signer = peerIdFromPublicKey(envelope.publicKey)
  } catch (err: any) {
    // an ECDSA key signs envelopes but names no peer ID (libp2p peer IDs exist for Ed25519, secp256k1 and RSA)
    throw new InvalidEnvelopeError(`the envelope's key names no peer ID: ${err.message}`)
  }
  if (!signer.equals(record.peerId)) {
    throw new KeyMismatchError(`the record of ${record.peerId} is signed by the key of ${signer}`)
  }

  if (options.expectedPeer != null && !options.expectedPeer.equals(record.peerId)) {
    throw new RecordOfAnotherPeerError(`the record belongs to ${record.peerId}, not to ${options.expectedPeer}`)
  }

  let valid: boolean
  try {
    valid = await envelope.validate(format.domain, options)
  } catch (err: any) {
    if (options.signal?.aborted === true) {
      throw err
    }
    throw new InvalidSignatureError(`the signature cannot be verified: ${err.message}`)
  }
  if (!valid) {
    throw new InvalidSignatureError(`the signature is not valid for the domain ${format.domain}`)
  }

  return {
    peerId: record.peerId,
    publicKey: envelope.publicKey,
    multiaddrs: record.multiaddrs,
    addressCount: record.multiaddrs.length,
    seq: record.seq,
    addressBytes: record.multiaddrs.reduce((sum, ma) => sum + ma.bytes.byteLength, 0),
    envelope: bytes,
    format,
    mixKey: record.mixKey
  }
}
