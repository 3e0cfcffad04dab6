import { peerIdFromMultihash } from '@libp2p/peer-id'
import { multiaddrByteLength } from './multiaddr-length.ts'
import { visitFields } from './protobuf-fields.ts'
import { formatOfPayloadType, RECORD_FORMATS, recordFormat } from './record-formats.ts'
import { rustLegacyRecord } from './rust-legacy-record.ts'
import { isPlainSecp256k1Signature } from './secp256k1-signature.ts'
import { signatureChecks } from './signature-checks.ts'
import { standardRecord } from './standard-record.ts'
import { wakuRecord } from './waku-record.ts'
import type { OpenPeerRecordOptions } from './peer-record.ts'
import type { RecordFormat } from './record-format.ts'
import type { SignatureCheck } from './signature-checks.ts'
import type { Ed25519PeerId, Secp256k1PeerId } from '@libp2p/interface'

/** A key type the fast path reads: how its key is written, which signatures it takes, and Node's check of them */
interface PlainKeyType {
  /** The start of the envelope's `public_key` field: `PublicKey{Type (1), Data (2)}` up to Data's length */
  prefix: readonly number[]
  /** The length of that field: the prefix and the raw key */
  bytes: number
  /** Whether the raw key is written the way `@libp2p/crypto` writes it */
  isPlainKey(raw: Uint8Array): boolean
  /** Whether the signature is one `@libp2p/crypto` and Node judge alike */
  isPlainSignature(signature: Uint8Array): boolean
  check: SignatureCheck
}

/**
 * Ed25519 (32 raw bytes, 64-byte signatures) and secp256k1 (the 33-byte compressed point, DER ECDSA signatures over
 * SHA-256): the key types of libp2p peers, js-libp2p's and go-libp2p's default and Waku's. RSA and ECDSA keys take
 * the generic path.
 */
const PLAIN_KEY_TYPES: readonly PlainKeyType[] = signatureChecks == null
  ? []
  : [{
      prefix: [0x08, 0x01, 0x12, 0x20],
      bytes: 36,
      isPlainKey: () => true,
      isPlainSignature: signature => signature.byteLength === 64,
      check: signatureChecks.ed25519
    }, {
      prefix: [0x08, 0x02, 0x12, 0x21],
      bytes: 37,
      // compressed, as `@libp2p/crypto` writes a secp256k1 key (an uncompressed one it would rewrite compressed)
      isPlainKey: raw => raw[0] === 0x02 || raw[0] === 0x03,
      isPlainSignature: isPlainSecp256k1Signature,
      check: signatureChecks.secp256k1
    }]

/** The plain key type of an envelope's `public_key` field and signature, if any */
function plainKeyType (publicKey: Uint8Array, signature: Uint8Array): PlainKeyType | undefined {
  for (const type of PLAIN_KEY_TYPES) {
    if (publicKey.byteLength === type.bytes && startsWith(publicKey, type.prefix) && type.isPlainKey(publicKey.subarray(type.prefix.length)) && type.isPlainSignature(signature)) {
      return type
    }
  }
  return undefined
}

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

/**
 * Whether these are the peer ID bytes of the key whose protobuf is `key`: its identity multihash (code 0x00, the
 * length, the protobuf), which is how an Ed25519 or secp256k1 key's peer ID is written
 */
function isPeerIdOfKey (peerId: Uint8Array, key: Uint8Array): boolean {
  if (peerId.byteLength !== IDENTITY_PREFIX_BYTES + key.byteLength || peerId[0] !== 0x00 || peerId[1] !== key.byteLength) {
    return false
  }
  for (let i = 0; i < key.byteLength; i++) {
    if (peerId[i + IDENTITY_PREFIX_BYTES] !== key[i]) {
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
  /** The sequence number's varint bytes */
  seq?: Uint8Array
  addresses: Uint8Array[]
  /** `waku`'s field 4, its bytes */
  mixKey?: Uint8Array
}

/** `PeerRecord{peer_id=1, seq=2, addresses=3 (AddressInfo{multiaddr=1})}`, the payload of `standard` and `rust-legacy` */
function readLibp2pRecord (payload: Uint8Array): RecordFields | undefined {
  const fields: RecordFields = { addresses: [] }
  const ok = visitFields(payload, (tag, value) => {
    switch (tag) {
      case 0x0a: return fields.peerId == null && (fields.peerId = value) != null
      case 0x10: return fields.seq == null && (fields.seq = value) != null
      case 0x1a: {
        let address: Uint8Array | undefined
        const read = visitFields(value, (t, v) => t === 0x0a && address == null && (address = v) != null)
        if (!read || address == null) {
          return false
        }
        fields.addresses.push(address)
        return true
      }
      default: return false
    }
  })
  // protons reads an absent seq as 0; this reader leaves that rare record to it
  return ok && fields.seq != null ? fields : undefined
}

/** `WakuPeerRecord{peer_id=1, seq_no=2, addresses=3, mix_key=4}`, with the fields nwaku requires present */
function readWakuRecord (payload: Uint8Array): RecordFields | undefined {
  const fields: RecordFields = { addresses: [] }
  const ok = visitFields(payload, (tag, value) => {
    switch (tag) {
      case 0x0a: return fields.peerId == null && (fields.peerId = value) != null
      case 0x10: return fields.seq == null && (fields.seq = value) != null
      case 0x1a: return fields.addresses.push(value) > 0
      case 0x22: return fields.mixKey == null && (fields.mixKey = value) != null
      default: return false
    }
  })
  return ok && fields.seq != null && fields.mixKey != null && fields.addresses.length > 0 ? fields : undefined
}

/** The envelope's fields and its key type when the key and the signature are plain */
function readPlainEnvelope (bytes: Uint8Array): Required<EnvelopeFields> & { keyType: PlainKeyType } | undefined {
  const envelope = readEnvelope(bytes)
  if (envelope?.publicKey == null || envelope.payloadType == null || envelope.payload == null || envelope.signature == null) {
    return undefined
  }
  const keyType = plainKeyType(envelope.publicKey, envelope.signature)
  if (keyType == null) {
    return undefined
  }
  return { ...envelope as Required<EnvelopeFields>, keyType }
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

/** A plain envelope whose signature does not verify for its format's domain */
export interface ForgedPlainEnvelope {
  valid: false
  format: RecordFormat
}

/** A plain envelope, read and verified: its peer, and views of the record's bytes */
export interface VerifiedPlainEnvelope {
  valid: true
  format: RecordFormat
  /** The record's peer, the signer, with its public key */
  peerId: PlainPeerId
  /** The sequence number's varint bytes */
  seq: Uint8Array
  /** Each address's bytes */
  addresses: Uint8Array[]
  /** Their total length as `multiaddr(bytes).bytes` counts it */
  addressBytes: number
  /** `waku`'s mix key bytes */
  mixKey?: Uint8Array
}

export type PlainEnvelope = ForgedPlainEnvelope | VerifiedPlainEnvelope

/** The peer of a plain envelope: its key is in the peer ID */
export type PlainPeerId = Ed25519PeerId | Secp256k1PeerId

/** An identity multihash's code (0x00) and length, before the key's protobuf */
const IDENTITY_PREFIX_BYTES = 2

/** The peer of an Ed25519 or secp256k1 key's peer ID bytes */
function keyPeerId (bytes: Uint8Array): PlainPeerId {
  // a copy: a view would keep the whole request's buffer alive as long as the peer ID lives
  const multihash = bytes.slice()
  const peerId = peerIdFromMultihash({ code: 0x00, size: multihash.byteLength - IDENTITY_PREFIX_BYTES, digest: multihash.subarray(IDENTITY_PREFIX_BYTES), bytes: multihash })
  if (peerId.type !== 'Ed25519' && peerId.type !== 'secp256k1') {
    // openPlainEnvelope lets through only the peer IDs of these keys
    throw new Error('not the peer ID of an Ed25519 or secp256k1 key')
  }
  return peerId
}

/**
 * The fast path of `openPeerRecord` and `verifyPeerRecord`: an envelope of an Ed25519 or secp256k1 key in its
 * plainest encoding, whose record names the signing key in the same bytes. Each step accepts only input the
 * generic path (`@libp2p/peer-record`'s classes) accepts the same way; it returns `undefined` (and the generic
 * path decides) for everything else, so both paths refuse the same envelopes with the same errors. Only a
 * signature that does not verify is decided here (`valid: false`): everything before it matched.
 * Exported for the codec's own modules and tests, not part of the public face.
 */
export function openPlainEnvelope (bytes: Uint8Array, options: OpenPeerRecordOptions): PlainEnvelope | undefined {
  if (options.signal?.aborted === true) {
    return undefined
  }
  const envelope = readPlainEnvelope(bytes)
  if (envelope == null) {
    return undefined
  }
  const { publicKey, payloadType, payload, signature, keyType } = envelope
  const format = acceptedFormat(payloadType, options)
  if (format == null) {
    return undefined
  }
  const record = readRecord(format, payload)
  if (record?.peerId == null || record.seq == null || !isPeerIdOfKey(record.peerId, publicKey)) {
    return undefined
  }
  if (options.expectedPeer != null && !isPeerIdOfKey(options.expectedPeer.toMultihash().bytes, publicKey)) {
    return undefined
  }

  try {
    let addressBytes = 0
    for (const address of record.addresses) {
      addressBytes += multiaddrByteLength(address)
    }
    if (!keyType.check(publicKey.subarray(keyType.prefix.length), signedBytes(format.domain, payloadType, payload), signature)) {
      return { valid: false, format }
    }
    return { valid: true, format, peerId: keyPeerId(record.peerId), seq: record.seq, addresses: record.addresses, addressBytes, mixKey: record.mixKey }
  } catch {
    return undefined
  }
}

/** The unsigned varint bytes (at most 9 of them, as read) as the bigint protons reads them as */
export function plainUint64 (varint: Uint8Array): bigint {
  let value = 0n
  for (let i = varint.byteLength - 1; i >= 0; i--) {
    value = (value << 7n) | BigInt(varint[i] & 0x7f)
  }
  return value
}
