import { peerIdFromMultihash } from '@libp2p/peer-id'
import { verifyEd25519 } from './ed25519-verifier.ts'
import { InvalidSignatureError } from './errors.ts'
import { multiaddrByteLength } from './multiaddr-length.ts'
import { openPeerRecord } from './peer-record.ts'
import { visitFields } from './protobuf-fields.ts'
import { formatOfPayloadType, RECORD_FORMATS, recordFormat } from './record-formats.ts'
import { rustLegacyRecord } from './rust-legacy-record.ts'
import { standardRecord } from './standard-record.ts'
import { wakuRecord } from './waku-record.ts'
import type { OpenPeerRecordOptions, PeerRecordSummary } from './peer-record.ts'
import type { RecordFormat } from './record-format.ts'
import type { PeerId } from '@libp2p/interface'

/** The Ed25519 public key as the envelope's `public_key` field writes it: `PublicKey{Type: Ed25519 (1), Data: 32 bytes}` */
const ED25519_KEY_PREFIX = [0x08, 0x01, 0x12, 0x20]
/** A peer ID of an Ed25519 key: the identity multihash (code 0x00, length 36) of that same protobuf */
const ED25519_PEER_ID_PREFIX = [0x00, 0x24]
const ED25519_KEY_BYTES = 36
const ED25519_SIGNATURE_BYTES = 64

/** The signed bytes of an envelope: each of domain, payload type and payload after its unsigned-varint length */
const domainPrefixes = new Map<string, Uint8Array>()

function domainPrefix (domain: string): Uint8Array {
  let prefix = domainPrefixes.get(domain)
  if (prefix == null) {
    const bytes = new TextEncoder().encode(domain)
    prefix = new Uint8Array(varintLength(bytes.byteLength) + bytes.byteLength)
    writeVarint(prefix, 0, bytes.byteLength)
    prefix.set(bytes, prefix.byteLength - bytes.byteLength)
    domainPrefixes.set(domain, prefix)
  }
  return prefix
}

function varintLength (n: number): number {
  let length = 1
  while (n >= 0x80) {
    n = Math.floor(n / 0x80)
    length++
  }
  return length
}

function writeVarint (out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80
    n = Math.floor(n / 0x80)
  }
  out[at++] = n
  return at
}

function signedBytes (domain: string, payloadType: Uint8Array, payload: Uint8Array): Uint8Array {
  const prefix = domainPrefix(domain)
  const out = new Uint8Array(prefix.byteLength + varintLength(payloadType.byteLength) + payloadType.byteLength + varintLength(payload.byteLength) + payload.byteLength)
  out.set(prefix)
  let at = writeVarint(out, prefix.byteLength, payloadType.byteLength)
  out.set(payloadType, at)
  at = writeVarint(out, at + payloadType.byteLength, payload.byteLength)
  out.set(payload, at)
  return out
}

function startsWith (bytes: Uint8Array, prefix: readonly number[]): boolean {
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[i] !== prefix[i]) {
      return false
    }
  }
  return true
}

/** The peer ID bytes of an Ed25519 key's record: `00 24` and the key's protobuf */
function isPeerIdOfKey (peerId: Uint8Array, key: Uint8Array): boolean {
  if (peerId.byteLength !== ED25519_PEER_ID_PREFIX.length + key.byteLength || !startsWith(peerId, ED25519_PEER_ID_PREFIX)) {
    return false
  }
  for (let i = 0; i < key.byteLength; i++) {
    if (peerId[i + ED25519_PEER_ID_PREFIX.length] !== key[i]) {
      return false
    }
  }
  return true
}

interface EnvelopeFields {
  publicKey?: Uint8Array
  payloadType?: Uint8Array
  payload?: Uint8Array
  signature?: Uint8Array
}

/** The envelope's four fields, each exactly once (`Envelope{public_key=1, payload_type=2, payload=3, signature=5}`) */
function readEnvelope (bytes: Uint8Array): EnvelopeFields | undefined {
  const fields: EnvelopeFields = {}
  const ok = visitFields(bytes, (tag, value) => {
    switch (tag) {
      case 0x0a: return fields.publicKey == null && (fields.publicKey = value) != null
      case 0x12: return fields.payloadType == null && (fields.payloadType = value) != null
      case 0x1a: return fields.payload == null && (fields.payload = value) != null
      case 0x2a: return fields.signature == null && (fields.signature = value) != null
      default: return false
    }
  })
  return ok ? fields : undefined
}

interface RecordFields {
  peerId?: Uint8Array
  addresses: Uint8Array[]
}

/** `PeerRecord{peer_id=1, seq=2, addresses=3 (AddressInfo{multiaddr=1})}`, the payload of `standard` and `rust-legacy` */
function readLibp2pRecord (payload: Uint8Array): RecordFields | undefined {
  const fields: RecordFields = { addresses: [] }
  let seq = false
  const ok = visitFields(payload, (tag, value) => {
    switch (tag) {
      case 0x0a: return fields.peerId == null && (fields.peerId = value) != null
      case 0x10: return !seq && (seq = true)
      case 0x1a: {
        let address: Uint8Array | undefined
        const read = value != null && visitFields(value, (t, v) => t === 0x0a && address == null && (address = v) != null)
        if (!read || address == null) {
          return false
        }
        fields.addresses.push(address)
        return true
      }
      default: return false
    }
  })
  return ok ? fields : undefined
}

/** `WakuPeerRecord{peer_id=1, seq_no=2, addresses=3, mix_key=4}`, with the fields nwaku requires present */
function readWakuRecord (payload: Uint8Array): RecordFields | undefined {
  const fields: RecordFields = { addresses: [] }
  let seq = false
  let mixKey = false
  const ok = visitFields(payload, (tag, value) => {
    switch (tag) {
      case 0x0a: return fields.peerId == null && (fields.peerId = value) != null
      case 0x10: return !seq && (seq = true)
      case 0x1a: return value != null && fields.addresses.push(value) > 0
      case 0x22: return !mixKey && (mixKey = true)
      default: return false
    }
  })
  return ok && seq && mixKey && fields.addresses.length > 0 ? fields : undefined
}

/** The envelope's fields when its key is an Ed25519 key in the usual encoding and its signature 64 bytes */
function readPlainEnvelope (bytes: Uint8Array): Required<EnvelopeFields> | undefined {
  const envelope = readEnvelope(bytes)
  if (envelope?.publicKey == null || envelope.payloadType == null || envelope.payload == null || envelope.signature == null) {
    return undefined
  }
  const { publicKey, signature } = envelope
  if (publicKey.byteLength !== ED25519_KEY_BYTES || !startsWith(publicKey, ED25519_KEY_PREFIX) || signature.byteLength !== ED25519_SIGNATURE_BYTES) {
    return undefined
  }
  return envelope as Required<EnvelopeFields>
}

/** The accepted format of this payload type; `undefined` for none, and for a format name that does not exist */
function acceptedFormat (payloadType: Uint8Array, options: OpenPeerRecordOptions): RecordFormat | undefined {
  try {
    return formatOfPayloadType(payloadType, options.formats == null ? RECORD_FORMATS : options.formats.map(recordFormat))
  } catch {
    return undefined
  }
}

function readRecord (format: RecordFormat, payload: Uint8Array): RecordFields | undefined {
  if (format === wakuRecord) {
    return readWakuRecord(payload)
  }
  if (format === standardRecord || format === rustLegacyRecord) {
    return readLibp2pRecord(payload)
  }
  return undefined
}

/** What the fast path found: a summary, a signature that does not verify (for that format), or nothing it can decide */
export type FastOutcome = PeerRecordSummary | RecordFormat | undefined

/**
 * The fast path: an Ed25519 envelope in its plainest encoding, whose record names the signing key in the
 * same bytes. Each step accepts only input `openPeerRecord` accepts the same way; it returns `undefined`
 * (and `openPeerRecord` decides) for everything else, so the two refuse the same envelopes with the same
 * errors. Only a signature that does not verify is decided here: everything before it matched. Not part
 * of the public face; exported so that tests can see which envelopes it decides.
 */
export function openPlainEd25519 (bytes: Uint8Array, options: OpenPeerRecordOptions): FastOutcome {
  if (verifyEd25519 == null || options.signal?.aborted === true) {
    return undefined
  }
  const envelope = readPlainEnvelope(bytes)
  if (envelope == null) {
    return undefined
  }
  const { publicKey, payloadType, payload, signature } = envelope
  const format = acceptedFormat(payloadType, options)
  if (format == null) {
    return undefined
  }
  const record = readRecord(format, payload)
  if (record?.peerId == null || !isPeerIdOfKey(record.peerId, publicKey)) {
    return undefined
  }
  if (options.expectedPeer != null && !isPeerIdOfKey(options.expectedPeer.toMultihash().bytes, publicKey)) {
    return undefined
  }

  let addressBytes = 0
  let valid: boolean
  let peerId: PeerId
  try {
    for (const address of record.addresses) {
      addressBytes += multiaddrByteLength(address)
    }
    valid = verifyEd25519(publicKey.subarray(ED25519_KEY_PREFIX.length), signedBytes(format.domain, payloadType, payload), signature)
    // a copy: a view would keep the whole request's buffer alive as long as the peer ID lives
    const multihash = record.peerId.slice()
    peerId = peerIdFromMultihash({ code: 0x00, size: publicKey.byteLength, digest: multihash.subarray(ED25519_PEER_ID_PREFIX.length), bytes: multihash })
  } catch {
    return undefined
  }
  if (!valid) {
    return format
  }
  return { peerId, addressCount: record.addresses.length, addressBytes, format }
}

/**
 * Verify a signed peer record as {@link openPeerRecord} does, with the same acceptance, the same options and
 * the same errors, but return only what a rendezvous point keeps ({@link PeerRecordSummary}): no `Multiaddr`
 * objects, no public key object. An Ed25519 envelope in its usual encoding is read without decoding it into
 * objects and its signature checked with Node's own Ed25519; any other envelope (other key types, unusual
 * encodings, bad input) goes through `openPeerRecord` itself.
 *
 * @throws {InvalidEnvelopeError | WrongPayloadTypeError | InvalidPeerRecordError | KeyMismatchError | RecordOfAnotherPeerError | InvalidSignatureError}
 */
export async function verifyPeerRecord (bytes: Uint8Array, options: OpenPeerRecordOptions = {}): Promise<PeerRecordSummary> {
  const outcome = openPlainEd25519(bytes, options)
  if (outcome == null) {
    const record = await openPeerRecord(bytes, options)
    return { peerId: record.peerId, addressCount: record.multiaddrs.length, addressBytes: record.addressBytes, format: record.format }
  }
  if ('domain' in outcome) {
    // the message openPeerRecord gives when the signature check returns false
    throw new InvalidSignatureError(`the signature is not valid for the domain ${outcome.domain}`)
  }
  return outcome
}
