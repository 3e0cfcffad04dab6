import { readPosition, writePosition } from './keys.ts'
import type { NewRegistration, Registration } from '@rendezvous/store'

/**
 * The record, stored under its (namespace, position) key: expiresAt (float64) · position (uint64) ·
 * registeredAt (float64) · ttl (float64) · peer ID length (uint16) · format length (uint8) · peer ID ·
 * format · envelope. The position repeats the key's so that reads of a namespace can skip the keys (half
 * the buffers to make).
 */
const HEADER_BYTES = 35

/** The record of schema version 1, before formats: the same without the format and its length */
export const VERSION_1_HEADER_BYTES = 34

export function encodeRecord (registration: NewRegistration, position: number, peer: Buffer, format: Buffer): Buffer {
  return encodeRecordFields(registration.expiresAt, position, registration.registeredAt, registration.ttl, peer, format, registration.signedPeerRecord)
}

export function encodeRecordFields (expiresAt: number, position: number, registeredAt: number, ttl: number, peer: Uint8Array, format: Uint8Array, envelope: Uint8Array): Buffer {
  const value = Buffer.allocUnsafe(HEADER_BYTES + peer.byteLength + format.byteLength + envelope.byteLength)
  value.writeDoubleBE(expiresAt, 0)
  writePosition(value, 8, position)
  value.writeDoubleBE(registeredAt, 16)
  value.writeDoubleBE(ttl, 24)
  value.writeUInt16BE(peer.byteLength, 32)
  value[34] = format.byteLength
  value.set(peer, HEADER_BYTES)
  value.set(format, HEADER_BYTES + peer.byteLength)
  value.set(envelope, HEADER_BYTES + peer.byteLength + format.byteLength)
  return value
}

export function isRecord (value: Buffer): boolean {
  return value.byteLength >= HEADER_BYTES && value.byteLength >= HEADER_BYTES + value.readUInt16BE(32) + value[34]
}

export function decodeRecord (namespace: string, value: Buffer): Registration {
  const peerEnd = HEADER_BYTES + value.readUInt16BE(32)
  const formatEnd = peerEnd + value[34]
  // classic-level copies each value into its own buffer, so a view of it is safe to hand out and saves
  // a copy per registration; a plain Uint8Array, not a Buffer, is what callers stored
  const signedPeerRecord = new Uint8Array(value.buffer, value.byteOffset + formatEnd, value.byteLength - formatEnd)

  return {
    namespace,
    peerId: value.toString('utf8', HEADER_BYTES, peerEnd),
    signedPeerRecord,
    format: value.toString('latin1', peerEnd, formatEnd),
    ttl: value.readDoubleBE(24),
    registeredAt: value.readDoubleBE(16),
    expiresAt: value.readDoubleBE(0),
    position: readPosition(value, 8)
  }
}

/** The value of a registration key: where its record is, until when it is live, and its format (1 to 32 bytes) */
export function encodeLocation (position: number, expiresAt: number, format: Uint8Array): Buffer {
  const value = Buffer.allocUnsafe(16 + format.byteLength)
  writePosition(value, 0, position)
  value.writeDoubleBE(expiresAt, 8)
  value.set(format, 16)
  return value
}

export function isLocation (value: Buffer): boolean {
  return value.byteLength > 16 && value.byteLength <= 16 + 32
}

/** The format of a registration key's value, as the bytes the other keys use */
export function locationFormat (value: Buffer): Buffer {
  return value.subarray(16)
}

export function locationPosition (value: Buffer): number {
  return readPosition(value, 0)
}

export function locationExpiresAt (value: Buffer): number {
  return value.readDoubleBE(8)
}

/**
 * An expiry time followed by other bytes: the value of the order and peer indexes. Records start with
 * their expiry too, so {@link expiryOf} reads both.
 */
export function withExpiry (expiresAt: number, rest: Uint8Array): Buffer {
  const value = Buffer.allocUnsafe(8 + rest.byteLength)
  value.writeDoubleBE(expiresAt, 0)
  value.set(rest, 8)
  return value
}

export function expiryOf (value: Buffer): number {
  return value.readDoubleBE(0)
}
