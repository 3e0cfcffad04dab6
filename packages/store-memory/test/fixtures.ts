import type { Entry } from '../src/entry.ts'

/** A bare entry for unit tests of one index */
export function entry (position: number, expiresAt = 0, namespace = 'ns', peerId = `peer-${position}`, format = 'standard'): Entry {
  return {
    registration: Object.freeze({ namespace, peerId, signedPeerRecord: new Uint8Array(1), format, ttl: 0, registeredAt: 0, expiresAt, position }),
    namespace,
    peerId,
    format,
    position,
    expiresAt,
    heapIndex: -1,
    memberIndex: -1,
    slab: undefined,
    slabIndex: -1,
    envelopeLength: 0
  }
}

/** A seeded generator (mulberry32), so failures reproduce */
export function seeded (seed: number): () => number {
  let state = seed >>> 0

  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
