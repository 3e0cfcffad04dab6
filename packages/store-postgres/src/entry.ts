import { CorruptStoreError } from '@rendezvous/store'
import { decodeKey } from './keys.ts'
import type { Registration } from '@rendezvous/store'

/**
 * A registration's entry: what the reads return for it besides its position, packed by the client at
 * upsert and stored in `registrations.entry` (see queries.ts for why). Big-endian throughout:
 *
 * | bytes | field |
 * | --- | --- |
 * | 8 | ttl (seconds) |
 * | 8 | registered_at (ms since the epoch) |
 * | 8 | expires_at (ms since the epoch) |
 * | 2 + n | namespace as stored (keys.ts), UTF-8, with its length |
 * | 2 + n | peer ID as stored, UTF-8, with its length |
 * | 2 + n | format, with its length |
 * | 4 + n | the signed envelope, with its length |
 *
 * A page, as the reads return it, is the base64 of a sequence of (position as 8 bytes, entry, zero bytes to
 * a multiple of 3 bytes): each row's part is stored in base64 (schema.ts, version 3, `page_chunk`), and the
 * padding lets a page be the concatenation of its rows' base64 text.
 */

const TWO_32 = 2 ** 32

/** The fields an entry holds; namespace and peer ID as stored (escaped) */
export interface EntryFields {
  namespace: string
  peerId: string
  format: string
  ttl: number
  registeredAt: number
  expiresAt: number
  signedPeerRecord: Uint8Array
}

export function packEntry (fields: EntryFields): Buffer {
  const namespaceBytes = Buffer.byteLength(fields.namespace)
  const peerIdBytes = Buffer.byteLength(fields.peerId)
  const formatBytes = fields.format.length // [a-z0-9-]: one byte per character
  const recordBytes = fields.signedPeerRecord.byteLength
  const entry = Buffer.allocUnsafe(24 + 2 + namespaceBytes + 2 + peerIdBytes + 2 + formatBytes + 4 + recordBytes)
  let offset = 0

  for (const value of [fields.ttl, fields.registeredAt, fields.expiresAt]) {
    entry.writeUInt32BE(Math.floor(value / TWO_32), offset)
    entry.writeUInt32BE(value % TWO_32, offset + 4)
    offset += 8
  }

  entry.writeUInt16BE(namespaceBytes, offset)
  offset += 2 + entry.write(fields.namespace, offset + 2, 'utf8')
  entry.writeUInt16BE(peerIdBytes, offset)
  offset += 2 + entry.write(fields.peerId, offset + 2, 'utf8')
  entry.writeUInt16BE(formatBytes, offset)
  offset += 2 + entry.write(fields.format, offset + 2, 'latin1')
  entry.writeUInt32BE(recordBytes, offset)
  entry.set(fields.signedPeerRecord, offset + 4)

  return entry
}

/**
 * Reads back a page (base64 of positions and entries). Envelopes are views of the one buffer decoded
 * from it: plain Uint8Arrays, as callers stored them. `namespace`, when every registration of the page
 * is in that one namespace, is used instead of decoding it from each entry.
 */
export function unpackPage (encoded: string | null | undefined, location: string, namespace?: string): Registration[] {
  const registrations: Registration[] = []

  if (encoded == null) {
    return registrations
  }

  // one decode of the whole page (the chunks hold no line breaks: page_chunk takes encode()'s out, and Node
  // decodes base64 without them about twice as fast)
  const page = Buffer.from(encoded, 'base64')
  // read once: a typed array's `buffer` is an accessor that V8 does not inline, and each envelope needs it
  const bytes = page.buffer
  const view = new DataView(bytes, page.byteOffset, page.byteLength)
  let offset = 0

  const int64 = (): number => {
    const value = view.getUint32(offset) * TWO_32 + view.getUint32(offset + 4)
    offset += 8
    return value
  }
  // Buffer's own slicing decoder: about four times faster than a TextDecoder on strings this short. The
  // bytes came out of text columns, so they are valid UTF-8
  const text = (): string => {
    const length = view.getUint16(offset)
    const value = page.toString('utf8', offset + 2, offset + 2 + length)
    offset += 2 + length
    return value
  }
  const skip = (): void => {
    offset += 2 + view.getUint16(offset)
  }
  // A page has one or two formats at most: the last one decoded is compared byte by byte (formats are
  // [a-z0-9-], a byte per character) instead of decoding the same string a hundred times
  let lastFormat = ''
  const format = (): string => {
    const length = view.getUint16(offset)
    const start = offset + 2
    offset = start + length

    if (length === lastFormat.length) {
      let i = 0

      while (i < length && page[start + i] === lastFormat.charCodeAt(i)) {
        i++
      }

      if (i === length) {
        return lastFormat
      }
    }

    lastFormat = page.toString('latin1', start, offset)
    return lastFormat
  }

  try {
    while (offset < page.byteLength) {
      const position = int64()
      const ttl = int64()
      const registeredAt = int64()
      const expiresAt = int64()
      // a page of one namespace need not decode it a hundred times
      let registrationNamespace: string

      if (namespace === undefined) {
        registrationNamespace = decodeKey(text())
      } else {
        skip()
        registrationNamespace = namespace
      }

      const peerId = decodeKey(text())
      const registrationFormat = format()
      const length = view.getUint32(offset)
      const start = page.byteOffset + offset + 4
      offset += 4 + length

      if (offset > page.byteLength) {
        throw new RangeError('an envelope runs past the end of the page')
      }

      // the row's padding to a multiple of 3 bytes
      offset += (3 - offset % 3) % 3

      registrations.push({
        namespace: registrationNamespace,
        peerId,
        signedPeerRecord: new Uint8Array(bytes, start, length),
        format: registrationFormat,
        ttl,
        registeredAt,
        expiresAt,
        position
      })
    }
  } catch (err: any) {
    throw new CorruptStoreError(location, `a page of registrations could not be read: ${err.message}`, { cause: err })
  }

  return registrations
}
