import { MalformedMessageError, UnknownEnumValueError } from './errors.ts'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * protons' generated decoders trust the wire: they read a field by its number whatever its wire type
 * says, and throw a bare `Error` on an unknown enum value. A peer's bytes are untrusted, so every
 * message is first walked against its schema here, which names exactly what is wrong with a typed
 * error. After this pass protons decodes input it can handle.
 */

type FieldSchema =
  | { name: string, kind: 'varint' }
  | { name: string, kind: 'enum', values: ReadonlySet<number> }
  | { name: string, kind: 'string' }
  | { name: string, kind: 'bytes' }
  | { name: string, kind: 'message', schema: MessageSchema }

/** Field number to field, for the fields a dialect defines; other field numbers are skipped */
export type MessageSchema = ReadonlyMap<number, FieldSchema>

const WIRE_VARINT = 0
const WIRE_FIXED64 = 1
const WIRE_LENGTH_DELIMITED = 2
const WIRE_FIXED32 = 5

const utf8 = new TextDecoder('utf-8', { fatal: true })

// readVarint leaves its result here instead of allocating an object per field: validation runs on
// every message a point receives, so it must cost little next to protons' own decode
let varintLow32 = 0
let varintValue = 0

/**
 * Read a varint at `pos` and return the position after it. The value lands in `varintValue` (exact
 * below 2^53, an approximation above) and its low 32 bits, as int32 and enum decoders read them, in
 * `varintLow32`.
 */
function readVarint (buf: Uint8Array, pos: number, end: number, path: string): number {
  if (pos < end && buf[pos] < 0x80) {
    varintLow32 = varintValue = buf[pos]
    return pos + 1
  }
  let low32 = 0
  let value = 0
  let scale = 1
  for (let i = 0; i < 10; i++) {
    if (pos >= end) {
      throw new MalformedMessageError(`truncated varint in ${path}`)
    }
    const b = buf[pos++]
    if (i < 5) {
      // bits past 32 fall off, exactly as an int32 read truncates them
      low32 |= (b & 0x7f) << (7 * i)
    }
    value += (b & 0x7f) * scale
    scale *= 128
    if ((b & 0x80) === 0) {
      varintLow32 = low32 | 0
      varintValue = value
      return pos
    }
  }
  throw new MalformedMessageError(`varint longer than 10 bytes in ${path}`)
}

function wireTypeOf (field: FieldSchema): number {
  return field.kind === 'varint' || field.kind === 'enum' ? WIRE_VARINT : WIRE_LENGTH_DELIMITED
}

/**
 * Check that `buf[start, end)` is a valid encoding of a message of the given schema.
 *
 * @throws {MalformedMessageError} with a description of the first problem found
 */
export function validateMessage (buf: Uint8Array, schema: MessageSchema, path = 'Message', start = 0, end = buf.byteLength): void {
  let pos = start
  while (pos < end) {
    pos = readVarint(buf, pos, end, path)
    const tag = varintValue
    const fieldNumber = Math.floor(tag / 8)
    const wireType = tag % 8
    if (fieldNumber === 0 || tag >= 2 ** 32) {
      throw new MalformedMessageError(`invalid field number ${fieldNumber} in ${path}`)
    }
    const field = schema.get(fieldNumber)
    const fieldPath = `${path}.${field?.name ?? String(fieldNumber)}`
    if (field != null && wireTypeOf(field) !== wireType) {
      throw new MalformedMessageError(`${fieldPath} has wire type ${wireType}, expected ${wireTypeOf(field)}`)
    }

    switch (wireType) {
      case WIRE_VARINT: {
        pos = readVarint(buf, pos, end, fieldPath)
        if (field?.kind === 'enum' && !field.values.has(varintLow32)) {
          throw new UnknownEnumValueError(fieldPath, varintLow32)
        }
        break
      }
      case WIRE_FIXED64:
        pos += 8
        break
      case WIRE_FIXED32:
        pos += 4
        break
      case WIRE_LENGTH_DELIMITED: {
        pos = readVarint(buf, pos, end, fieldPath)
        const length = varintValue
        if (length > end - pos) {
          throw new MalformedMessageError(`${fieldPath} announces ${length} bytes but only ${end - pos} remain`)
        }
        const fieldEnd = pos + length
        if (field?.kind === 'string') {
          try {
            utf8.decode(buf.subarray(pos, fieldEnd))
          } catch {
            throw new MalformedMessageError(`${fieldPath} is not valid UTF-8`)
          }
        } else if (field?.kind === 'message') {
          validateMessage(buf, field.schema, fieldPath, pos, fieldEnd)
        }
        pos = fieldEnd
        break
      }
      default:
        // 3 and 4 are the deprecated groups, which neither dialect uses; 6 and 7 do not exist
        throw new MalformedMessageError(`unsupported wire type ${wireType} in ${fieldPath}`)
    }
  }
  if (pos > end) {
    throw new MalformedMessageError(`truncated fixed-width field in ${path}`)
  }
}

/** Schema builders, so that each dialect declares its fields in one readable table */
export const field = {
  varint: (name: string): FieldSchema => ({ name, kind: 'varint' }),
  enum: (name: string, values: Iterable<number>): FieldSchema => ({ name, kind: 'enum', values: new Set(values) }),
  string: (name: string): FieldSchema => ({ name, kind: 'string' }),
  bytes: (name: string): FieldSchema => ({ name, kind: 'bytes' }),
  message: (name: string, schema: MessageSchema): FieldSchema => ({ name, kind: 'message', schema })
}

/**
 * Validate `bytes` against the schema, then decode them with the generated decoder. Whatever the
 * generated code might still throw becomes an {@link MalformedMessageError}: after validation that is
 * unreachable unless protons and the schema disagree, and a peer's bytes must never raise an untyped error.
 */
export function decodeValidated<T> (bytes: Uint8Array | Uint8ArrayList, schema: MessageSchema, decode: (buf: Uint8Array) => T): T {
  const buf = bytes instanceof Uint8Array ? bytes : bytes.subarray()
  validateMessage(buf, schema)
  try {
    return decode(buf)
  } catch (err: any) {
    throw new MalformedMessageError(`undecodable message: ${err.message}`)
  }
}
