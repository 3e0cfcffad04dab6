import { peerIdFromMultihash } from '@libp2p/peer-id'
import { verifyEd25519 } from './ed25519-verifier.ts'
import { multiaddrByteLength } from './multiaddr-length.ts'
import { visitFields } from './protobuf-fields.ts'
import { formatOfPayloadType, RECORD_FORMATS, recordFormat } from './record-formats.ts'
import { rustLegacyRecord } from './rust-legacy-record.ts'
import { standardRecord } from './standard-record.ts'
import { wakuRecord } from './waku-record.ts'
import type { OpenPeerRecordOptions } from './peer-record.ts'
import type { RecordFormat } from './record-format.ts'
import type { Ed25519PeerId } from '@libp2p/interface'

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

/** A plain Ed25519 envelope whose signature does not verify for its format's domain */
export interface ForgedPlainEnvelope {
  valid: false
  format: RecordFormat
}

/** A plain Ed25519 envelope, read and verified: its peer, and views of the record's bytes */
export interface VerifiedPlainEnvelope {
  valid: true
  format: RecordFormat
  /** The record's peer, the signer, with its public key */
  peerId: Ed25519PeerId
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

/** The peer of an Ed25519 key's peer ID bytes */
function ed25519PeerId (bytes: Uint8Array): Ed25519PeerId {
  // a copy: a view would keep the whole request's buffer alive as long as the peer ID lives
  const multihash = bytes.slice()
  const peerId = peerIdFromMultihash({ code: 0x00, size: multihash.byteLength - ED25519_PEER_ID_PREFIX.length, digest: multihash.subarray(ED25519_PEER_ID_PREFIX.length), bytes: multihash })
  if (peerId.type !== 'Ed25519') {
    // openPlainEd25519 lets through only the peer IDs of Ed25519 keys
    throw new Error('not the peer ID of an Ed25519 key')
  }
  return peerId
}

/**
 * The fast path of {@link openPeerRecord} and `verifyPeerRecord`: an Ed25519 envelope in its plainest
 * encoding, whose record names the signing key in the same bytes. Each step accepts only input the generic
 * path (`@libp2p/peer-record`'s classes) accepts the same way; it returns `undefined` (and the generic path
 * decides) for everything else, so both paths refuse the same envelopes with the same errors. Only a
 * signature that does not verify is decided here (`valid: false`): everything before it matched.
 * Exported for the codec's own modules and tests, not part of the public face.
 */
export function openPlainEd25519 (bytes: Uint8Array, options: OpenPeerRecordOptions): PlainEnvelope | undefined {
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
    if (!verifyEd25519(publicKey.subarray(ED25519_KEY_PREFIX.length), signedBytes(format.domain, payloadType, payload), signature)) {
      return { valid: false, format }
    }
    return { valid: true, format, peerId: ed25519PeerId(record.peerId), seq: record.seq, addresses: record.addresses, addressBytes, mixKey: record.mixKey }
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
