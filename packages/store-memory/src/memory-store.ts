import { FIRST_POSITION, GuardedStore, RegistrationLimitError, storedRegistration } from '@rendezvous/store'
import { EnvelopeArena } from './envelope-arena.ts'
import { ExpiryHeap } from './expiry-heap.ts'
import { Members, sampleMembers } from './members.ts'
import { PositionLog } from './position-log.ts'
import type { Entry } from './entry.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore, SampleOptions, UpsertOptions } from '@rendezvous/store'

/** The registrations of one namespace in one record format */
interface FormatIndex {
  /**
   * In position order, for discover in this namespace; without a format filter, discover merges the
   * orders of the namespace's formats (a few at most)
   */
  readonly order: PositionLog

  /** In no particular order, for uniform sampling */
  readonly members: Members
}

/** The registrations of one namespace */
interface NamespaceIndex {
  /** By peer ID */
  readonly byPeer: Map<string, Entry>

  /** By record format, only those it holds: a namespace holds a few formats at most */
  readonly formats: Map<string, FormatIndex>
}

/** An entry's registration until its envelope is stored (the same shape as the real ones, so reads stay monomorphic) */
const PENDING: Readonly<Registration> = Object.freeze({
  namespace: '',
  peerId: '',
  signedPeerRecord: new Uint8Array(0),
  format: '',
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
export class MemoryRegistrationStore extends GuardedStore implements RegistrationStore {
  private readonly clock: Clock
  private readonly random: () => number
  private readonly namespaces = new Map<string, NamespaceIndex>()
  /** The registrations of each peer: an array, as a peer holds few (the server caps them) */
  private readonly peers = new Map<string, Entry[]>()
  /**
   * Every registration of one record format in position order, only formats some registration has, for
   * discover across namespaces: without a format filter, it merges them all
   */
  private readonly formatOrders = new Map<string, PositionLog>()
  /** The registrations stored, expired or not */
  private size = 0
  private readonly expiries = new ExpiryHeap()
  private readonly envelopes = new EnvelopeArena(entry => {
    // compaction moved an envelope: the sampling array holds the entry's registration object too
    this.namespaces.get(entry.namespace)?.formats.get(entry.format)?.members.updateRegistration(entry)
  })

  private nextPosition = FIRST_POSITION
  private closed = false

  constructor (init: MemoryStoreInit) {
    super()
    this.clock = init.clock
    this.random = init.random
  }

  protected async upsertChecked (registration: NewRegistration, options?: UpsertOptions): Promise<Registration> {
    const { namespace, peerId, format } = registration
    let index = this.namespaces.get(namespace)
    const existing = index?.byPeer.get(peerId)

    // a refresh of a live registration takes no room; anything else is checked against the limits. The
    // check and the write below happen in one synchronous run, so no other call sees the store between them
    if (options !== undefined && (existing == null || existing.expiresAt <= this.clock())) {
      this.checkLimits(peerId, options)
    }

    const position = this.nextPosition++

    if (index != null && existing != null) {
      // a refresh: the same entry with the new registration, at a new place at the end of every order
      const envelope = this.envelopes.replace(existing, registration.signedPeerRecord)
      existing.registration = this.freeze(registration, envelope, position)
      const previous = index.formats.get(existing.format) as FormatIndex
      previous.order.delete(existing)
      const previousOrder = this.formatOrders.get(existing.format) as PositionLog
      previousOrder.delete(existing)
      existing.position = position
      let current = previous

      if (existing.format !== format) {
        previous.members.remove(existing)
        this.dropIfEmpty(index, existing.format, previous, previousOrder)
        existing.format = format
        existing.expiresAt = registration.expiresAt
        this.expiries.update(existing)
        current = this.formatIndex(index, format)
        current.members.add(existing)
      } else {
        if (existing.expiresAt !== registration.expiresAt) {
          existing.expiresAt = registration.expiresAt
          this.expiries.update(existing)
          current.members.updateExpiry(existing)
        }

        current.members.updateRegistration(existing)
      }

      current.order.append(existing)
      this.formatOrder(format).append(existing)
      return existing.registration
    }

    const entry: Entry = {
      registration: PENDING,
      namespace,
      peerId,
      format,
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
      index = { byPeer: new Map(), formats: new Map() }
      this.namespaces.set(namespace, index)
    }

    const formatIndex = this.formatIndex(index, format)
    index.byPeer.set(peerId, entry)
    formatIndex.order.append(entry)
    formatIndex.members.add(entry)

    const ofPeer = this.peers.get(peerId)

    if (ofPeer == null) {
      this.peers.set(peerId, [entry])
    } else {
      ofPeer.push(entry)
    }

    this.formatOrder(format).append(entry)
    this.expiries.push(entry)
    this.size++

    return entry.registration
  }

  /** Throw a {@link RegistrationLimitError} if a new registration of the peer would exceed a limit: the peer's first */
  private checkLimits (peerId: string, options: UpsertOptions): void {
    const now = this.clock()
    const perPeer = options.maxRegistrationsPerPeer ?? Number.POSITIVE_INFINITY

    if (perPeer !== Number.POSITIVE_INFINITY && this.liveOfPeer(peerId, now, undefined) >= perPeer) {
      throw new RegistrationLimitError('peer')
    }

    const total = options.maxRegistrations ?? Number.POSITIVE_INFINITY

    if (total !== Number.POSITIVE_INFINITY && this.size - this.expiries.countDue(now) >= total) {
      throw new RegistrationLimitError('store')
    }
  }

  /** The namespace's index of a format, created if it has none yet */
  private formatIndex (index: NamespaceIndex, format: string): FormatIndex {
    let formatIndex = index.formats.get(format)

    if (formatIndex == null) {
      formatIndex = { order: new PositionLog(), members: new Members() }
      index.formats.set(format, formatIndex)
    }

    return formatIndex
  }

  /** The store-wide order of a format, created if it has none yet */
  private formatOrder (format: string): PositionLog {
    let order = this.formatOrders.get(format)

    if (order == null) {
      order = new PositionLog()
      this.formatOrders.set(format, order)
    }

    return order
  }

  /** Forget a format's indexes once nothing is left in them, so formats that come and go leave nothing behind */
  private dropIfEmpty (index: NamespaceIndex, format: string, formatIndex: FormatIndex, formatOrder: PositionLog): void {
    if (formatIndex.order.size === 0) {
      index.formats.delete(format)
    }

    if (formatOrder.size === 0) {
      this.formatOrders.delete(format)
    }
  }

  /**
   * What reads return: frozen, so a caller cannot change what others read. The envelope is the arena's copy:
   * a caller changing its own array after `upsert` changes nothing here.
   */
  private freeze (registration: NewRegistration, signedPeerRecord: Uint8Array, position: number): Readonly<Registration> {
    return Object.freeze(storedRegistration(registration, position, signedPeerRecord))
  }

  protected async removeChecked (namespace: string, peerId: string): Promise<boolean> {
    const entry = this.namespaces.get(namespace)?.byPeer.get(peerId)

    if (entry == null) {
      return false
    }

    this.delete(entry)
    return true
  }

  protected async removePeerChecked (peerId: string): Promise<number> {
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

  protected async countByPeerChecked (peerId: string, options?: CountByPeerOptions): Promise<number> {
    return this.liveOfPeer(peerId, this.clock(), options?.excludeNamespace)
  }

  /** The live registrations of a peer, leaving one namespace out if given */
  private liveOfPeer (peerId: string, now: number, excluded: string | undefined): number {
    const ofPeer = this.peers.get(peerId)

    if (ofPeer == null) {
      return 0
    }

    let count = 0

    // a peer holds few registrations (the server caps them), so this is O(that cap)
    for (const entry of ofPeer) {
      if (entry.expiresAt > now && entry.namespace !== excluded) {
        count++
      }
    }

    return count
  }

  protected async discoverChecked (options: DiscoverOptions): Promise<DiscoverResult> {
    const { namespace, limit } = options
    const after = options.after ?? 0
    const registrations: Registration[] = []

    if (limit === 0) {
      return { registrations, position: after }
    }

    const now = this.clock()
    const orders = this.formatOrdersOf(namespace, options.formats)

    if (orders.length === 1) {
      collectLive(orders[0], after, limit, now, registrations)
    } else if (orders.length > 1) {
      // the first `limit` of each format, merged: the first `limit` of the merge are the first `limit`
      // of all of them, so nothing is skipped, at a cost of O(formats × limit)
      for (const order of orders) {
        collectLive(order, after, limit, now, registrations)
      }

      registrations.sort((a, b) => a.position - b.position)
      registrations.length = Math.min(registrations.length, limit)
    }

    return {
      registrations,
      position: registrations.length > 0 ? registrations[registrations.length - 1].position : after
    }
  }

  /**
   * The position orders of the listed formats (every format held, when `formats` is undefined), in one
   * namespace or across all; each format once
   */
  private formatOrdersOf (namespace: string | undefined, formats: readonly string[] | undefined): PositionLog[] {
    const orders: PositionLog[] = []
    const index = namespace === undefined ? undefined : this.namespaces.get(namespace)

    if (namespace !== undefined && index == null) {
      return orders
    }

    if (formats === undefined) {
      if (index == null) {
        orders.push(...this.formatOrders.values())
      } else {
        for (const formatIndex of index.formats.values()) {
          orders.push(formatIndex.order)
        }
      }

      return orders
    }

    for (let i = 0; i < formats.length; i++) {
      if (formats.indexOf(formats[i]) !== i) {
        continue
      }

      const order = index == null ? this.formatOrders.get(formats[i]) : index.formats.get(formats[i])?.order

      if (order != null) {
        orders.push(order)
      }
    }

    return orders
  }

  protected async sampleChecked (namespace: string, limit: number, options?: SampleOptions): Promise<Registration[]> {
    const index = this.namespaces.get(namespace)

    if (index == null || limit === 0) {
      return []
    }

    const formats = options?.formats
    const groups: Members[] = []

    if (formats === undefined) {
      for (const formatIndex of index.formats.values()) {
        groups.push(formatIndex.members)
      }
    } else {
      for (let i = 0; i < formats.length; i++) {
        const members = index.formats.get(formats[i])?.members

        if (members != null && formats.indexOf(formats[i]) === i) {
          groups.push(members)
        }
      }
    }

    const now = this.clock()
    const soonest = this.expiries.peek()

    return sampleMembers(groups, limit, now, this.random, soonest == null || soonest.expiresAt > now)
  }

  protected async expireChecked (): Promise<number> {
    const now = this.clock()
    let expired = 0

    // the heap holds no stale items, so this visits exactly the expired entries
    for (let next = this.expiries.peek(); next != null && next.expiresAt <= now; next = this.expiries.peek()) {
      this.delete(next)
      expired++
    }

    return expired
  }

  protected async countChecked (): Promise<number> {
    return this.size - this.expiries.countDue(this.clock())
  }

  async close (): Promise<void> {
    if (this.closed) {
      return
    }

    this.closed = true
    this.namespaces.clear()
    this.peers.clear()
    this.formatOrders.clear()
    this.size = 0
    this.expiries.clear()
  }

  /** Take an entry out of every index */
  private delete (entry: Entry): void {
    const index = this.namespaces.get(entry.namespace) as NamespaceIndex
    index.byPeer.delete(entry.peerId)

    const formatIndex = index.formats.get(entry.format) as FormatIndex
    const formatOrder = this.formatOrders.get(entry.format) as PositionLog
    formatIndex.order.delete(entry)
    formatIndex.members.remove(entry)
    formatOrder.delete(entry)
    this.dropIfEmpty(index, entry.format, formatIndex, formatOrder)

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

    this.expiries.delete(entry)
    this.size--
    this.envelopes.release(entry)
  }

  protected isClosed (): boolean {
    return this.closed
  }
}

/** Append the live entries of an order after a position to `registrations`, until it holds `limit` */
function collectLive (order: PositionLog, after: number, limit: number, now: number, registrations: Registration[]): void {
  const stop = registrations.length + limit

  order.forEachAfter(after, entry => {
    // expired entries not yet deleted by expire() are skipped, never returned
    if (entry.expiresAt > now) {
      registrations.push(entry.registration)
    }

    return registrations.length < stop
  })
}
