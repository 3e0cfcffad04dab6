import { InvalidLimitError, InvalidNamespaceError, InvalidPositionError, InvalidRegistrationError } from './errors.ts'
import type { NewRegistration } from '@rendezvous/store'

const MAX_NAMESPACE_BYTES = 255
const encoder = new TextEncoder()

export function validateNamespace (namespace: unknown): asserts namespace is string {
  if (typeof namespace !== 'string' || namespace.length === 0) {
    throw new InvalidNamespaceError('The namespace must be a non-empty string')
  }

  // a UTF-16 string of at most 85 code units is at most 255 bytes of UTF-8, so most skip encoding
  if (namespace.length > MAX_NAMESPACE_BYTES / 3 && encoder.encode(namespace).byteLength > MAX_NAMESPACE_BYTES) {
    throw new InvalidNamespaceError(`The namespace is longer than ${MAX_NAMESPACE_BYTES} bytes of UTF-8`)
  }
}

export function validateLimit (limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    throw new InvalidLimitError(`The limit must be a non-negative integer, got ${String(limit)}`)
  }
}

export function validatePosition (position: unknown): asserts position is number | undefined {
  if (position !== undefined && (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0)) {
    throw new InvalidPositionError(`The position must be a non-negative integer, got ${String(position)}`)
  }
}

export function validateRegistration (registration: NewRegistration): void {
  if (registration == null || typeof registration !== 'object') {
    throw new InvalidRegistrationError('The registration must be an object')
  }

  validateNamespace(registration.namespace)

  if (typeof registration.peerId !== 'string' || registration.peerId.length === 0) {
    throw new InvalidRegistrationError('The peer ID must be a non-empty string')
  }

  if (!(registration.signedPeerRecord instanceof Uint8Array)) {
    throw new InvalidRegistrationError('The signed peer record must be a Uint8Array')
  }

  for (const field of ['ttl', 'registeredAt', 'expiresAt'] as const) {
    const value = registration[field]

    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InvalidRegistrationError(`The ${field} must be a finite non-negative number, got ${String(value)}`)
    }
  }
}
