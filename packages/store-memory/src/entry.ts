import type { Slab } from './envelope-arena.ts'
import type { Registration } from '@rendezvous/store'

/**
 * One stored registration and its places in the indexes. `registration` is frozen and is what reads
 * return, so a read allocates nothing per registration; the index fields sit beside it so that walking an
 * index touches one object per entry.
 */
export interface Entry {
  /** What reads return: frozen, replaced (never changed) by a refresh */
  registration: Readonly<Registration>

  readonly namespace: string
  readonly peerId: string

  /** Its record format: a refresh may change it, which moves the entry to another format's indexes */
  format: string

  /** Copies of the registration's fields the indexes compare */
  position: number
  expiresAt: number

  /** Index in the expiry heap, -1 when not in it */
  heapIndex: number

  /** Index in its namespace's array of members (for O(1) random access when sampling) */
  memberIndex: number

  /** The slab of the envelope arena that holds its envelope (undefined for a large one) and its index there */
  slab: Slab | undefined
  slabIndex: number

  /** The length of its envelope, so releasing it reads nothing else */
  envelopeLength: number
}
