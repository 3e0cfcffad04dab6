import { MalformedMessageError } from './errors.ts'

/**
 * ttl and limit travel as 64-bit integers but mean seconds and counts, which a `number` holds
 * exactly far beyond any accepted value. Values past 2^53 keep their sign and order, which is all
 * range checks need.
 */
export function fromWireInteger (value: bigint): number {
  return Number(value)
}

/** @throws {MalformedMessageError} for a value the wire type cannot carry */
export function toWireInteger (value: number, field: string, signed: boolean): bigint {
  if (!Number.isSafeInteger(value)) {
    throw new MalformedMessageError(`${field} must be a safe integer, got ${value}`)
  }
  if (!signed && value < 0) {
    throw new MalformedMessageError(`${field} must not be negative in this dialect, got ${value}`)
  }
  return BigInt(value)
}
