import { CorruptStoreError } from '@rendezvous/store'
import { decodeKey } from './keys.ts'
import type { Registration } from '@rendezvous/store'

const decoder = new TextDecoder('utf-8', { fatal: true })
const TWO_32 = 2 ** 32

/**
 * Reads back the registrations a read packed into one bytea (the layout is in queries.ts). Envelopes are
 * views of the one buffer node-postgres decoded: plain Uint8Arrays, as callers stored them.
 */
export function unpack (encoded: string | null | undefined, location: string): Registration[] {
  const registrations: Registration[] = []

  if (encoded == null) {
    return registrations
  }

  // Node's base64 decoder skips the line breaks PostgreSQL's encode() puts every 76 characters
  const packed = Buffer.from(encoded, 'base64')

  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength)
  let offset = 0

  const int64 = (): number => {
    const value = view.getUint32(offset) * TWO_32 + view.getUint32(offset + 4)
    offset += 8
    return value
  }
  const text = (): string => {
    const length = view.getUint16(offset)
    const value = decoder.decode(packed.subarray(offset + 2, offset + 2 + length))
    offset += 2 + length
    return value
  }

  try {
    while (offset < packed.byteLength) {
      const position = int64()
      const ttl = int64()
      const registeredAt = int64()
      const expiresAt = int64()
      const namespace = decodeKey(text())
      const peerId = decodeKey(text())
      const format = text()
      const length = view.getUint32(offset)
      const start = packed.byteOffset + offset + 4
      offset += 4 + length

      if (offset > packed.byteLength) {
        throw new RangeError('an envelope runs past the end of the page')
      }

      registrations.push({
        namespace,
        peerId,
        signedPeerRecord: new Uint8Array(packed.buffer, start, length),
        format,
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
