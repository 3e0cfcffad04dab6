import { readPosition, writePosition } from './keys.ts'
import type { NewRegistration, Registration } from '@rendezvous/store'

/** position (8) · expiresAt (float64) · registeredAt (float64) · ttl (float64) · the envelope bytes */
const HEADER_BYTES = 32

/** A record value; the namespace and peer ID are in its key and not repeated here */
export function encodeRecord (registration: NewRegistration, position: number): Buffer {
  const envelope = registration.signedPeerRecord
  const value = Buffer.allocUnsafe(HEADER_BYTES + envelope.byteLength)
  writePosition(value, 0, position)
  value.writeDoubleBE(registration.expiresAt, 8)
  value.writeDoubleBE(registration.registeredAt, 16)
  value.writeDoubleBE(registration.ttl, 24)
  value.set(envelope, HEADER_BYTES)
  return value
}

export function isRecord (value: Uint8Array): boolean {
  return value.byteLength >= HEADER_BYTES
}

export function recordPosition (value: Uint8Array): number {
  return readPosition(value, 0)
}

export function recordExpiresAt (value: Uint8Array): number {
  return (value as Buffer).readDoubleBE(8)
}

export function decodeRecord (namespace: string, peerId: string, value: Buffer): Registration {
  // copied out, so callers get a plain Uint8Array that does not pin LevelDB's buffer
  const signedPeerRecord = new Uint8Array(value.byteLength - HEADER_BYTES)
  signedPeerRecord.set(value.subarray(HEADER_BYTES))

  return {
    namespace,
    peerId,
    signedPeerRecord,
    ttl: value.readDoubleBE(24),
    registeredAt: value.readDoubleBE(16),
    expiresAt: value.readDoubleBE(8),
    position: readPosition(value, 0)
  }
}

/** An expiry time followed by other bytes: the value of the order, namespace-order and peer indexes */
export function withExpiry (expiresAt: number, rest: Uint8Array): Buffer {
  const value = Buffer.allocUnsafe(8 + rest.byteLength)
  value.writeDoubleBE(expiresAt, 0)
  value.set(rest, 8)
  return value
}

export function expiryOf (value: Uint8Array): number {
  return (value as Buffer).readDoubleBE(0)
}
