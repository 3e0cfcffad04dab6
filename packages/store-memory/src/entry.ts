import type { Registration } from '@rendezvous/store'

/**
 * One stored registration and its places in the indexes. Entries never leave the store: reads copy the
 * fields into fresh {@link Registration} objects.
 */
export interface Entry {
  readonly namespace: string
  readonly peerId: string
  signedPeerRecord: Uint8Array
  ttl: number
  registeredAt: number
  expiresAt: number
  position: number

  /** Index in the expiry heap, -1 when not in it */
  heapIndex: number

  /** Index in its namespace's array of members (for O(1) random access when sampling) */
  memberIndex: number
}

export function toRegistration (entry: Entry): Registration {
  return {
    namespace: entry.namespace,
    peerId: entry.peerId,
    signedPeerRecord: entry.signedPeerRecord,
    ttl: entry.ttl,
    registeredAt: entry.registeredAt,
    expiresAt: entry.expiresAt,
    position: entry.position
  }
}
