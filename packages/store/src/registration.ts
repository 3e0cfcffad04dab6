import type { NewRegistration, Registration } from './store.ts'

/**
 * The registration an adapter hands back for one it stored at `position`: the fields of the interface and
 * nothing else, listed one by one rather than spread, so that extra properties on the caller's object never
 * reach readers, and every registration a store returns has the same shape (one hidden class for the reads).
 * `signedPeerRecord` is the adapter's own copy of the envelope when it keeps one.
 */
export function storedRegistration (registration: NewRegistration, position: number, signedPeerRecord: Uint8Array = registration.signedPeerRecord): Registration {
  return {
    namespace: registration.namespace,
    peerId: registration.peerId,
    signedPeerRecord,
    format: registration.format,
    ttl: registration.ttl,
    registeredAt: registration.registeredAt,
    expiresAt: registration.expiresAt,
    position
  }
}

/** Whether two envelopes (or any two byte arrays) hold the same bytes: how stores and their tests compare records */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) {
    return false
  }

  for (let i = 0; i < a.byteLength; i++) {
    if (a[i] !== b[i]) {
      return false
    }
  }

  return true
}
