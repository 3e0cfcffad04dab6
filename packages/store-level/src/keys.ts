/**
 * The key layout, one byte of prefix per keyspace (see the README for the full table). Every key and
 * value is binary. Namespaces are 1-255 bytes of UTF-8, so one length byte in front of them makes each
 * namespace a prefix no other namespace shares; peer IDs get a 2-byte length for the same reason.
 * UTF-8 never contains the byte 0xff, which is used as the upper bound of prefix ranges.
 */

export const PREFIX_META = 0x6d // 'm'
export const PREFIX_KEY = 0x6b // 'k': (namespace, peer) → (position, expiresAt)
export const PREFIX_ORDER = 0x6f // 'o': position → (expiresAt, namespace, peer); schema version 1 only, deleted by the migration
export const PREFIX_NAMESPACE_ORDER = 0x6e // 'n': (namespace, position) → the record; schema version 1 only, moved to 'f' by the migration
export const PREFIX_EXPIRY = 0x65 // 'e': (expiresAt, position) → (namespace, peer)
export const PREFIX_PEER = 0x70 // 'p': (peer, namespace) → expiresAt
export const PREFIX_NAMESPACE_FORMAT_ORDER = 0x66 // 'f': (namespace, format, position) → the record
export const PREFIX_FORMAT_ORDER = 0x67 // 'g': (format, position) → (expiresAt, namespace, peer)

export const KEY_SCHEMA_VERSION = Buffer.from([PREFIX_META, ...Buffer.from('schema-version')])
export const KEY_STATE = Buffer.from([PREFIX_META, ...Buffer.from('state')])
/** While a migration runs: the last record key it has migrated, written in the batch that migrated it */
export const KEY_MIGRATION = Buffer.from([PREFIX_META, ...Buffer.from('migration')])

const POSITION_BYTES = 8
const TWO_32 = 2 ** 32

export function writePosition (target: Buffer, offset: number, position: number): void {
  target.writeUInt32BE(Math.floor(position / TWO_32), offset)
  target.writeUInt32BE(position >>> 0, offset + 4)
}

export function readPosition (source: Uint8Array, offset: number): number {
  const view = source as Buffer
  return view.readUInt32BE(offset) * TWO_32 + view.readUInt32BE(offset + 4)
}

/**
 * A float64 as 8 bytes whose unsigned byte order is the numeric order: positive numbers get their sign
 * bit set, negative ones have every bit flipped.
 */
export function writeSortableNumber (target: Buffer, offset: number, value: number): void {
  target.writeDoubleBE(value === 0 ? 0 : value, offset)

  if ((target[offset] & 0x80) === 0) {
    target[offset] |= 0x80
  } else {
    for (let i = offset; i < offset + 8; i++) {
      target[i] = ~target[i] & 0xff
    }
  }
}

export function readSortableNumber (source: Uint8Array, offset: number): number {
  const bytes = Buffer.from(source.buffer, source.byteOffset + offset, 8)
  const copy = Buffer.allocUnsafe(8)

  if ((bytes[0] & 0x80) !== 0) {
    bytes.copy(copy)
    copy[0] &= 0x7f
  } else {
    for (let i = 0; i < 8; i++) {
      copy[i] = ~bytes[i] & 0xff
    }
  }

  return copy.readDoubleBE(0)
}

/** Writes `bytes` behind a one-byte length at `offset` (they are at most 255 bytes long); returns the offset after them */
function writeWithLength (target: Buffer, offset: number, bytes: Buffer): number {
  target[offset] = bytes.byteLength
  bytes.copy(target, offset + 1)
  return offset + 1 + bytes.byteLength
}

/**
 * `tag`, then `first` and `second` (when given) each behind a one-byte length: the length makes a key of
 * one namespace (or format) never the start of another's
 */
function lengthPrefixed (tag: number, first: Buffer, second?: Buffer): Buffer {
  const prefix = Buffer.allocUnsafe(2 + first.byteLength + (second === undefined ? 0 : 1 + second.byteLength))
  prefix[0] = tag
  const offset = writeWithLength(prefix, 1, first)

  if (second !== undefined) {
    writeWithLength(prefix, offset, second)
  }

  return prefix
}

/** A namespace or peer ID as the bytes used in keys */
export function utf8 (text: string): Buffer {
  return Buffer.from(text, 'utf8')
}

/** (namespace, peer): the body of a registration key, also stored in index values to point back at it */
export function registrationKeyBody (namespace: Buffer, peer: Buffer): Buffer {
  const body = Buffer.allocUnsafe(1 + namespace.byteLength + peer.byteLength)
  peer.copy(body, writeWithLength(body, 0, namespace))
  return body
}

export function splitRegistrationKeyBody (body: Uint8Array, offset: number): { namespace: Buffer, peer: Buffer } {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const length = buf[offset]
  return {
    namespace: buf.subarray(offset + 1, offset + 1 + length),
    peer: buf.subarray(offset + 1 + length)
  }
}

export function registrationKey (body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(PREFIX_KEY), body])
}

/** `k`, namespace length, namespace: every registration key of one namespace starts with it */
export function namespaceKeyPrefix (namespace: Buffer): Buffer {
  return lengthPrefixed(PREFIX_KEY, namespace)
}

export function orderKey (position: number): Buffer {
  const key = Buffer.allocUnsafe(1 + POSITION_BYTES)
  key[0] = PREFIX_ORDER
  writePosition(key, 1, position)
  return key
}

/** `n`, namespace length, namespace: every per-namespace order key starts with it */
export function namespaceOrderPrefix (namespace: Buffer): Buffer {
  return lengthPrefixed(PREFIX_NAMESPACE_ORDER, namespace)
}

/** `f`, namespace length, namespace, format length, format: the records of one format in one namespace start with it */
export function namespaceFormatPrefix (namespace: Buffer, format: Buffer): Buffer {
  return lengthPrefixed(PREFIX_NAMESPACE_FORMAT_ORDER, namespace, format)
}

/** The key of a record: `f`, namespace length, namespace, format length, format, position */
export function recordKey (namespace: Buffer, format: Buffer, position: number): Buffer {
  return namespaceOrderKey(namespaceFormatPrefix(namespace, format), position)
}

/** `g`, format length, format: the order keys of one format across namespaces start with it */
export function formatPrefix (format: Buffer): Buffer {
  return lengthPrefixed(PREFIX_FORMAT_ORDER, format)
}

/**
 * The value of an expiry key: format length, format, then the registration key body (namespace, peer),
 * so that `expire` finds every key to delete without reading anything else.
 */
export function expiryValue (format: Buffer, body: Buffer): Buffer {
  const value = Buffer.allocUnsafe(1 + format.byteLength + body.byteLength)
  body.copy(value, writeWithLength(value, 0, format))
  return value
}

export function splitExpiryValue (value: Buffer): { format: Buffer, body: Buffer } {
  const length = value[0]
  return { format: value.subarray(1, 1 + length), body: value.subarray(1 + length) }
}

/** A prefix followed by a position: the keys of `n`, `f` and `g` */
export function namespaceOrderKey (namespacePrefix: Buffer, position: number): Buffer {
  const key = Buffer.allocUnsafe(namespacePrefix.byteLength + POSITION_BYTES)
  namespacePrefix.copy(key, 0)
  writePosition(key, namespacePrefix.byteLength, position)
  return key
}

export function expiryKey (expiresAt: number, position: number): Buffer {
  const key = Buffer.allocUnsafe(1 + 8 + POSITION_BYTES)
  key[0] = PREFIX_EXPIRY
  writeSortableNumber(key, 1, expiresAt)
  writePosition(key, 9, position)
  return key
}

/** The last possible expiry key at `expiresAt`: everything up to it has expired at that instant */
export function expiryUpperBound (expiresAt: number): Buffer {
  const key = Buffer.alloc(1 + 8 + POSITION_BYTES, 0xff)
  key[0] = PREFIX_EXPIRY
  writeSortableNumber(key, 1, expiresAt)
  return key
}

export function peerPrefix (peer: Buffer): Buffer {
  const prefix = Buffer.allocUnsafe(3 + peer.byteLength)
  prefix[0] = PREFIX_PEER
  prefix.writeUInt16BE(peer.byteLength, 1)
  peer.copy(prefix, 3)
  return prefix
}

export function peerKey (peerPrefixBytes: Buffer, namespace: Buffer): Buffer {
  return Buffer.concat([peerPrefixBytes, namespace])
}

/** Appends 0xff bytes: the exclusive upper bound of every key that starts with `prefix` and continues with UTF-8 or a position */
export function prefixUpperBound (prefix: Buffer, extra = 1): Buffer {
  return Buffer.concat([prefix, Buffer.alloc(extra, 0xff)])
}

export const POSITION_LENGTH = POSITION_BYTES
