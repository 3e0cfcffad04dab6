import { withoutStackTraces } from '@rendezvous/codec/without-stack-traces'
import { BaseDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { NotFoundError } from 'interface-store'
import type { PeerId, PublicKey } from '@libp2p/interface'
import type { Pair } from 'interface-datastore'

/**
 * Where js-libp2p's peer store keeps a peer: `/peers/` and the base32 of its peer ID as a CID (a peer ID and
 * its public key have the same CID)
 */
export function peerStoreKey (peer: PeerId | PublicKey): string {
  return `/peers/${peer.toCID().toString()}`
}

/**
 * The datastore of the point's libp2p node, which only its peer store uses. js-libp2p's default (an unbounded
 * `MemoryDatastore`) keeps an entry for every peer that ever opened a stream here, about 300 bytes each, and
 * removes one only when it is read after expiring: a point that sees a million distinct peers over its life
 * (or one peer that makes a million identities, which cost it only a handshake each) holds 300 MB it never
 * reads again. This one keeps at most `limit` entries: the least recently read or written goes first, except
 * the point's own entry. A peer whose entry went is one the point has not heard from for a long time; the
 * peer store learns it again from its next stream or identify.
 *
 * It also answers a missing key without a stack trace: the peer store reads before it creates an entry, so
 * every new peer cost a `NotFoundError` with its stack (docs/performance.md).
 */
export class PeerStoreDatastore extends BaseDatastore {
  /** The entries by key, in the order of their last read or write */
  private readonly data = new Map<string, Uint8Array>()
  private readonly limit: number
  private readonly keep: string

  /**
   * @param limit - entries kept at most (at least 1)
   * @param self - the point's own peer ID or public key: its entry is never dropped
   */
  constructor (limit: number, self: PeerId | PublicKey) {
    super()
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`a peer store limit is a whole number of entries from 1, not ${limit}`)
    }
    this.limit = limit
    this.keep = peerStoreKey(self)
  }

  put (key: Key, val: Uint8Array): Key {
    const k = key.toString()
    // delete first so that a rewritten entry moves to the end of the map's order: the order is recency
    this.data.delete(k)
    this.data.set(k, val)
    if (this.data.size > this.limit) {
      this.dropOldest()
    }
    return key
  }

  get (key: Key): Uint8Array {
    const k = key.toString()
    const val = this.data.get(k)
    if (val == null) {
      throw withoutStackTraces(() => new NotFoundError())
    }
    this.data.delete(k)
    this.data.set(k, val)
    return val
  }

  has (key: Key): boolean {
    return this.data.has(key.toString())
  }

  delete (key: Key): void {
    this.data.delete(key.toString())
  }

  * _all (): Generator<Pair> {
    for (const [key, value] of [...this.data]) {
      yield { key: new Key(key), value }
    }
  }

  * _allKeys (): Generator<Key> {
    for (const key of [...this.data.keys()]) {
      yield new Key(key)
    }
  }

  /** The number of entries held */
  get size (): number {
    return this.data.size
  }

  private dropOldest (): void {
    for (const k of this.data.keys()) {
      if (k !== this.keep) {
        this.data.delete(k)
        return
      }
    }
  }
}
