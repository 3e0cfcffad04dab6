/**
 * A protobuf message read as a list of fields without decoding it, for the fast path of
 * `verifyPeerRecord`. It reads only the plainest encoding: one-byte tags, wire types 0 (a varint of at
 * most 9 bytes) and 2 (a minimal length of at most 4 bytes inside the message). Whatever it reads, the
 * generated decoders read the same way; anything else makes it give up (`false`), and the caller then
 * leaves the bytes to those decoders and the errors they raise.
 */

/** A field's tag and its bytes, a view of the message (not a copy): a length-delimited field's contents, or a varint's own bytes */
export type FieldVisitor = (tag: number, value: Uint8Array) => boolean

const MAX_LENGTH_BYTES = 4
const MAX_VARINT_BYTES = 9

/**
 * Call `visit` with each field of the message in order; `false` as soon as `visit` returns `false` or the
 * encoding is not one this reader reads
 */
export function visitFields (bytes: Uint8Array, visit: FieldVisitor): boolean {
  const end = bytes.byteLength
  let i = 0
  while (i < end) {
    const tag = bytes[i++]
    const wireType = tag & 7
    if (tag >= 0x80 || tag < 8) {
      return false
    }
    if (wireType === 0) {
      const start = i
      while (i < end && bytes[i] >= 0x80) {
        i++
      }
      if (i === end || i - start >= MAX_VARINT_BYTES) {
        return false
      }
      i++
      if (!visit(tag, bytes.subarray(start, i))) {
        return false
      }
    } else if (wireType === 2) {
      let length = 0
      let shift = 0
      let byte: number
      do {
        if (i === end || shift === 7 * MAX_LENGTH_BYTES) {
          return false
        }
        byte = bytes[i++]
        length += (byte & 0x7f) * 2 ** shift
        shift += 7
      } while (byte >= 0x80)
      // a minimal length: no trailing zero group
      if (byte === 0 && shift > 7) {
        return false
      }
      if (length > end - i) {
        return false
      }
      const value = bytes.subarray(i, i + length)
      i += length
      if (!visit(tag, value)) {
        return false
      }
    } else {
      return false
    }
  }
  return true
}
