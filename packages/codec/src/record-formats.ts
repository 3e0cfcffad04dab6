import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { UnknownRecordFormatError } from './errors.ts'
import { rustLegacyRecord } from './rust-legacy-record.ts'
import { standardRecord } from './standard-record.ts'
import { wakuRecord } from './waku-record.ts'
import type { RecordFormat } from './record-format.ts'

/** Every record format this project reads and seals: the one list of them */
export const RECORD_FORMATS: readonly RecordFormat[] = Object.freeze([standardRecord, rustLegacyRecord, wakuRecord])

/** The names of the record formats this project knows */
export type RecordFormatName = 'standard' | 'rust-legacy' | 'waku'

/**
 * Look a record format up by its name, or pass a value through
 *
 * @throws {UnknownRecordFormatError}
 */
export function recordFormat (format: RecordFormat | string): RecordFormat {
  if (typeof format !== 'string') {
    return format
  }
  const found = RECORD_FORMATS.find(f => f.name === format)
  if (found == null) {
    throw new UnknownRecordFormatError(`unknown peer record format "${format}" (known: ${RECORD_FORMATS.map(f => f.name).join(', ')})`)
  }
  return found
}

/** The format among `formats` whose payload type is `payloadType`, if any */
export function formatOfPayloadType (payloadType: Uint8Array, formats: readonly RecordFormat[] = RECORD_FORMATS): RecordFormat | undefined {
  return formats.find(f => uint8ArrayEquals(f.payloadType, payloadType))
}
