/**
 * @packageDocumentation
 *
 * A {@link RegistrationStore} kept in the memory of the process, for tests, relays and rendezvous points
 * that can afford to forget their registrations on restart (peers re-register within one TTL).
 *
 * Indexes:
 * - `discover` finds its start by binary search and then reads O(limit) entries: the registrations are kept in position order per (namespace, record format) and per format across namespaces, in lists of short sorted chunks, and the logs of the formats asked for (or of every format held) are merged, so a format filter never visits registrations of other formats;
 * - `expire` costs O(expired × log n): a min-heap by expiry where every entry knows its slot, so refreshes and removals leave nothing stale behind;
 * - `sample` is uniform and O(limit): a partial Fisher-Yates shuffle over per-(namespace, format) arrays (swap-remove keeps them dense);
 * - `upsert` with limits checks and writes in one synchronous run, so concurrent upserts never exceed them;
 * - `countByPeer` looks only at that peer's registrations; `count` subtracts the expired-but-not-yet-deleted ones, found in O(expired) in the heap.
 *
 * @example
 *
 * ```ts
 * import { memoryStore } from '@rendezvous/store-memory'
 *
 * const store = memoryStore()
 * const now = Date.now()
 *
 * const registration = await store.upsert({
 *   namespace: 'chat',
 *   peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
 *   signedPeerRecord: new Uint8Array([0x0a, 0x24]), // the signed envelope as received
 *   format: 'standard',
 *   ttl: 7200,
 *   registeredAt: now,
 *   expiresAt: now + 7200 * 1000
 * })
 *
 * const page = await store.discover({ namespace: 'chat', after: 0, limit: 100 })
 * const random = await store.sample('chat', 20)
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
import { MemoryRegistrationStore } from './memory-store.ts'
import type { Clock, RegistrationStore } from '@rendezvous/store'

export interface MemoryStoreOptions {
  /** Where the time comes from, in milliseconds since the epoch. Default `Date.now` */
  clock?: Clock

  /**
   * A source of uniform random numbers in [0, 1) for `sample`. Default `Math.random`. Tests may pass a
   * seeded generator.
   */
  random?(): number
}

/**
 * Create an empty in-memory registration store. Synchronous: there is nothing to open. Its methods still
 * return promises, as the {@link RegistrationStore} interface requires; arguments out of range reject with
 * the typed errors of `@rendezvous/store`.
 */
export function memoryStore (options: MemoryStoreOptions = {}): RegistrationStore {
  return new MemoryRegistrationStore({
    clock: options.clock ?? Date.now,
    random: options.random ?? Math.random
  })
}

export type { RegistrationStore, Clock }
