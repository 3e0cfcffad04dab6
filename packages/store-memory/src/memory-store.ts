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
import { ExpiryHeap } from './expiry-heap.ts'
import { PositionLog } from './position-log.ts'
import type { Entry } from './entry.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore } from '@rendezvous/store'

/** The registrations of one namespace */
interface NamespaceIndex {
  /** By peer ID */
  readonly byPeer: Map<string, Entry>

  /** In position order, for discover in this namespace */
  readonly order: PositionLog

  /** In no particular order, for O(1) random access when sampling; entries know their index (swap-remove) */
  readonly members: Entry[]
}

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
    const stored: Readonly<Registration> = Object.freeze({
      namespace,
      peerId,
      // a copy the caller cannot change; a view into a larger buffer keeps only its own bytes
      signedPeerRecord: new Uint8Array(registration.signedPeerRecord),
      ttl: registration.ttl,
      registeredAt: registration.registeredAt,
      expiresAt: registration.expiresAt,
      position
    })

    let index = this.namespaces.get(namespace)
    const existing = index?.byPeer.get(peerId)

    if (index != null && existing != null) {
      // a refresh: the same entry with the new registration, at a new place at the end of both orders
      this.order.delete(existing)
      index.order.delete(existing)
      existing.registration = stored
      existing.position = position

      if (existing.expiresAt !== stored.expiresAt) {
        existing.expiresAt = stored.expiresAt
        this.expiries.update(existing)
      }

      this.order.append(existing)
      index.order.append(existing)
      return stored
    }

    const entry: Entry = {
      registration: stored,
      namespace,
      peerId,
      position,
      expiresAt: stored.expiresAt,
      heapIndex: -1,
      memberIndex: -1
    }

    if (index == null) {
      index = { byPeer: new Map(), order: new PositionLog(), members: [] }
      this.namespaces.set(namespace, index)
    }

    index.byPeer.set(peerId, entry)
    index.order.append(entry)
    entry.memberIndex = index.members.length
    index.members.push(entry)

    const ofPeer = this.peers.get(peerId)

    if (ofPeer == null) {
      this.peers.set(peerId, [entry])
    } else {
      ofPeer.push(entry)
    }

    this.order.append(entry)
    this.expiries.push(entry)

    return stored
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
    const sample: Registration[] = []

    if (members == null || limit === 0) {
      return sample
    }

    const now = this.clock()
    const length = members.length

    // a partial Fisher-Yates shuffle of the members array in place: its first i entries are a uniform random
    // selection of all of them, in random order; keeping the live ones keeps it uniform over the live ones.
    // The order of `members` carries no meaning, so shuffling it is free.
    for (let i = 0; i < length && sample.length < limit; i++) {
      const j = i + Math.floor(this.random() * (length - i))
      const picked = members[j]

      if (j !== i) {
        const displaced = members[i]
        members[i] = picked
        picked.memberIndex = i
        members[j] = displaced
        displaced.memberIndex = j
      }

      if (picked.expiresAt > now) {
        sample.push(picked.registration)
      }
    }

    return sample
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

    // swap-remove from the members array
    const members = index.members
    const last = members.pop() as Entry

    if (last !== entry) {
      members[entry.memberIndex] = last
      last.memberIndex = entry.memberIndex
    }

    entry.memberIndex = -1

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
  }

  private assertOpen (): void {
    if (this.closed) {
      throw new StoreClosedError()
    }
  }
}
