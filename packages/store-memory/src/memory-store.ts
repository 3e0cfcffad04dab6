import {
  StoreClosedError,
  validateCountByPeer,
  validateDiscoverOptions,
  validateLimit,
  validateNamespace,
  validateNewRegistration,
  validatePeerId,
  FIRST_POSITION
} from '@rendezvous/store'
import { EnvelopeArena } from './envelope-arena.ts'
import { ExpiryHeap } from './expiry-heap.ts'
import { Members } from './members.ts'
import { PositionLog } from './position-log.ts'
import type { Entry } from './entry.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore } from '@rendezvous/store'

/** The registrations of one namespace */
interface NamespaceIndex {
  /** By peer ID */
  readonly byPeer: Map<string, Entry>

  /** In position order, for discover in this namespace */
  readonly order: PositionLog

  /** In no particular order, for uniform sampling */
  readonly members: Members
}

/** An entry's registration until its envelope is stored (the same shape as the real ones, so reads stay monomorphic) */
const PENDING: Readonly<Registration> = Object.freeze({
  namespace: '',
  peerId: '',
  signedPeerRecord: new Uint8Array(0),
  ttl: 0,
  registeredAt: 0,
  expiresAt: 0,
  position: 0
})

export interface MemoryStoreInit {
  clock: Clock
  random(): number
}

/**
 * A {@link RegistrationStore} in the memory of the process. Every method does its work synchronously and
 * returns a settled promise, so concurrent calls cannot interleave: each one sees the store as the calls
 * before it left it.
 */
export class MemoryRegistrationStore implements RegistrationStore {
  private readonly clock: Clock
  private readonly random: () => number
  private readonly namespaces = new Map<string, NamespaceIndex>()
  /** The registrations of each peer: an array, as a peer holds few (the server caps them) */
  private readonly peers = new Map<string, Entry[]>()
  private readonly order = new PositionLog()
  private readonly expiries = new ExpiryHeap()
  private readonly envelopes = new EnvelopeArena(entry => {
    // compaction moved an envelope: the sampling array holds the entry's registration object too
    this.namespaces.get(entry.namespace)?.members.updateRegistration(entry)
  })

  private nextPosition = FIRST_POSITION
  private closed = false

  constructor (init: MemoryStoreInit) {
    this.clock = init.clock
    this.random = init.random
  }

  async upsert (registration: NewRegistration): Promise<Registration> {
    this.assertOpen()
    validateNewRegistration(registration)

    const { namespace, peerId } = registration
    const position = this.nextPosition++
    let index = this.namespaces.get(namespace)
    const existing = index?.byPeer.get(peerId)

    if (index != null && existing != null) {
      // a refresh: the same entry with the new registration, at a new place at the end of both orders
      this.envelopes.release(existing)
      existing.registration = this.freeze(registration, this.envelopes.store(existing, registration.signedPeerRecord), position)
      this.order.delete(existing)
      index.order.delete(existing)
      existing.position = position

      if (existing.expiresAt !== registration.expiresAt) {
        existing.expiresAt = registration.expiresAt
        this.expiries.update(existing)
        index.members.updateExpiry(existing)
      }

      index.members.updateRegistration(existing)

      this.order.append(existing)
      index.order.append(existing)
      return existing.registration
    }

    const entry: Entry = {
      registration: PENDING,
      namespace,
      peerId,
      position,
      expiresAt: registration.expiresAt,
      heapIndex: -1,
      memberIndex: -1,
      slab: undefined,
      slabIndex: -1,
      envelopeLength: 0
    }
    entry.registration = this.freeze(registration, this.envelopes.store(entry, registration.signedPeerRecord), position)

    if (index == null) {
      index = { byPeer: new Map(), order: new PositionLog(), members: new Members() }
      this.namespaces.set(namespace, index)
    }

    index.byPeer.set(peerId, entry)
    index.order.append(entry)
    index.members.add(entry)

    const ofPeer = this.peers.get(peerId)

    if (ofPeer == null) {
      this.peers.set(peerId, [entry])
    } else {
      ofPeer.push(entry)
    }

    this.order.append(entry)
    this.expiries.push(entry)

    return entry.registration
  }

  /**
   * What reads return: frozen, so a caller cannot change what others read. The envelope is the arena's copy:
   * a caller changing its own array after `upsert` changes nothing here.
   */
  private freeze (registration: NewRegistration, signedPeerRecord: Uint8Array, position: number): Readonly<Registration> {
    return Object.freeze({
      namespace: registration.namespace,
      peerId: registration.peerId,
      signedPeerRecord,
      ttl: registration.ttl,
      registeredAt: registration.registeredAt,
      expiresAt: registration.expiresAt,
      position
    })
  }

  async remove (namespace: string, peerId: string): Promise<boolean> {
    this.assertOpen()
    validateNamespace(namespace)
    validatePeerId(peerId)

    const entry = this.namespaces.get(namespace)?.byPeer.get(peerId)

    if (entry == null) {
      return false
    }

    this.delete(entry)
    return true
  }

  async removePeer (peerId: string): Promise<number> {
    this.assertOpen()
    validatePeerId(peerId)

    const ofPeer = this.peers.get(peerId)

    if (ofPeer == null) {
      return 0
    }

    const entries = [...ofPeer]

    for (const entry of entries) {
      this.delete(entry)
    }

    return entries.length
  }

  async countByPeer (peerId: string, options?: CountByPeerOptions): Promise<number> {
    this.assertOpen()
    validateCountByPeer(peerId, options)

    const ofPeer = this.peers.get(peerId)

    if (ofPeer == null) {
      return 0
    }

    const now = this.clock()
    const excluded = options?.excludeNamespace
    let count = 0

    // a peer holds few registrations (the server caps them), so this is O(that cap)
    for (const entry of ofPeer) {
      if (entry.expiresAt > now && entry.namespace !== excluded) {
        count++
      }
    }

    return count
  }

  async discover (options: DiscoverOptions): Promise<DiscoverResult> {
    this.assertOpen()
    validateDiscoverOptions(options)

    const { namespace, limit } = options
    const after = options.after ?? 0
    const registrations: Registration[] = []

    if (limit === 0) {
      return { registrations, position: after }
    }

    const order = namespace === undefined ? this.order : this.namespaces.get(namespace)?.order

    if (order == null) {
      return { registrations, position: after }
    }

    const now = this.clock()

    order.forEachAfter(after, entry => {
      // expired entries not yet deleted by expire() are skipped, never returned
      if (entry.expiresAt > now) {
        registrations.push(entry.registration)
      }

      return registrations.length < limit
    })

    return {
      registrations,
      position: registrations.length > 0 ? registrations[registrations.length - 1].position : after
    }
  }

  async sample (namespace: string, limit: number): Promise<Registration[]> {
    this.assertOpen()
    validateNamespace(namespace)
    validateLimit(limit)

    const members = this.namespaces.get(namespace)?.members

    if (members == null || limit === 0) {
      return []
    }

    const now = this.clock()
    const soonest = this.expiries.peek()

    return members.sample(limit, now, this.random, soonest == null || soonest.expiresAt > now)
  }

  async expire (): Promise<number> {
    this.assertOpen()

    const now = this.clock()
    let expired = 0

    // the heap holds no stale items, so this visits exactly the expired entries
    for (let next = this.expiries.peek(); next != null && next.expiresAt <= now; next = this.expiries.peek()) {
      this.delete(next)
      expired++
    }

    return expired
  }

  async count (): Promise<number> {
    this.assertOpen()

    return this.order.size - this.expiries.countDue(this.clock())
  }

  async close (): Promise<void> {
    if (this.closed) {
      return
    }

    this.closed = true
    this.namespaces.clear()
    this.peers.clear()
    this.order.clear()
    this.expiries.clear()
  }

  /** Take an entry out of every index */
  private delete (entry: Entry): void {
    const index = this.namespaces.get(entry.namespace) as NamespaceIndex
    index.byPeer.delete(entry.peerId)
    index.order.delete(entry)

    index.members.remove(entry)

    if (index.byPeer.size === 0) {
      this.namespaces.delete(entry.namespace)
    }

    const ofPeer = this.peers.get(entry.peerId) as Entry[]

    if (ofPeer.length === 1) {
      this.peers.delete(entry.peerId)
    } else {
      const at = ofPeer.indexOf(entry)
      ofPeer[at] = ofPeer[ofPeer.length - 1]
      ofPeer.pop()
    }

    this.order.delete(entry)
    this.expiries.delete(entry)
    this.envelopes.release(entry)
  }

  private assertOpen (): void {
    if (this.closed) {
      throw new StoreClosedError()
    }
  }
}
