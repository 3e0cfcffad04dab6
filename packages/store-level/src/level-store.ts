import { SCAN_CHUNK } from './constants.ts'
import { encodeState } from './database.ts'
import { CorruptStoreError, StoreClosedError } from './errors.ts'
import {
  KEY_STATE, expiryKey, expiryUpperBound, namespaceOrderKey, namespaceOrderPrefix, orderKey,
  peerKey, peerPrefix, prefixUpperBound, readPosition, recordKey, registrationKeyBody, splitRegistrationKeyBody, utf8,
  PREFIX_EXPIRY
} from './keys.ts'
import { decodeRecord, encodeRecord, expiryOf, isRecord, recordExpiresAt, recordPosition, withExpiry } from './record.ts'
import { validateLimit, validateNamespace, validatePosition, validateRegistration } from './validation.ts'
import type { Level, StoreState } from './database.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore } from '@rendezvous/store'

type BatchOperation = { type: 'put', key: Buffer, value: Buffer } | { type: 'del', key: Buffer }

const EXPIRY_START = Buffer.of(PREFIX_EXPIRY)

/** The index keys of one stored record, all derived from its key and value */
function deleteOperations (namespace: Buffer, peer: Buffer, position: number, expiresAt: number, deletePeerKey: boolean): BatchOperation[] {
  const operations: BatchOperation[] = [
    { type: 'del', key: recordKey(registrationKeyBody(namespace, peer)) },
    { type: 'del', key: orderKey(position) },
    { type: 'del', key: namespaceOrderKey(namespaceOrderPrefix(namespace), position) },
    { type: 'del', key: expiryKey(expiresAt, position) }
  ]

  if (deletePeerKey) {
    operations.push({ type: 'del', key: peerKey(peerPrefix(peer), namespace) })
  }

  return operations
}

/**
 * A {@link RegistrationStore} in a LevelDB directory. Writes are applied one at a time, in call order,
 * each as one atomic batch that also carries the position counter, so a crash never leaves an index
 * pointing at a missing record or a counter behind a position already handed out.
 */
export class LevelRegistrationStore implements RegistrationStore {
  readonly path: string
  private readonly db: Level
  private readonly clock: Clock
  private readonly state: StoreState
  private writes: Promise<unknown> = Promise.resolve()
  private closed = false

  constructor (path: string, db: Level, state: StoreState, clock: Clock) {
    this.path = path
    this.db = db
    this.state = state
    this.clock = clock
  }

  private checkOpen (): void {
    if (this.closed) {
      throw new StoreClosedError()
    }
  }

  /** Runs `write` after every write queued before it; read-modify-write stays consistent without locks */
  private async exclusive<T> (write: () => Promise<T>): Promise<T> {
    this.checkOpen()
    const result = this.writes.then(write)
    this.writes = result.catch(() => {})
    return result
  }

  private corrupt (key: Uint8Array, problem: string): CorruptStoreError {
    return new CorruptStoreError(this.path, `key ${Buffer.from(key).toString('hex')}: ${problem}`)
  }

  async upsert (registration: NewRegistration): Promise<Registration> {
    validateRegistration(registration)

    return this.exclusive(async () => {
      const namespace = utf8(registration.namespace)
      const peer = utf8(registration.peerId)
      const body = registrationKeyBody(namespace, peer)
      const key = recordKey(body)
      const nsPrefix = namespaceOrderPrefix(namespace)
      const previous = this.db.getSync(key)
      const position = this.state.counter + 1
      const stored = previous === undefined ? this.state.stored + 1 : this.state.stored
      const operations: BatchOperation[] = []

      if (previous !== undefined) {
        if (!isRecord(previous)) {
          throw this.corrupt(key, 'the record is too short')
        }

        const oldPosition = recordPosition(previous)
        operations.push(
          { type: 'del', key: orderKey(oldPosition) },
          { type: 'del', key: namespaceOrderKey(nsPrefix, oldPosition) },
          { type: 'del', key: expiryKey(recordExpiresAt(previous), oldPosition) }
        )
      }

      operations.push(
        { type: 'put', key, value: encodeRecord(registration, position) },
        { type: 'put', key: orderKey(position), value: withExpiry(registration.expiresAt, body) },
        { type: 'put', key: namespaceOrderKey(nsPrefix, position), value: withExpiry(registration.expiresAt, peer) },
        { type: 'put', key: expiryKey(registration.expiresAt, position), value: body },
        { type: 'put', key: peerKey(peerPrefix(peer), namespace), value: withExpiry(registration.expiresAt, new Uint8Array(0)) },
        { type: 'put', key: KEY_STATE, value: encodeState({ counter: position, stored }) }
      )

      // the counter moves before the write is confirmed: a failed batch leaves a gap, never a reused position
      this.state.counter = position
      await this.db.batch(operations)
      this.state.stored = stored

      return { ...registration, position }
    })
  }

  async remove (namespace: string, peerId: string): Promise<boolean> {
    validateNamespace(namespace)

    return this.exclusive(async () => {
      const ns = utf8(namespace)
      const peer = utf8(peerId)
      const key = recordKey(registrationKeyBody(ns, peer))
      const previous = this.db.getSync(key)

      if (previous === undefined) {
        return false
      }

      if (!isRecord(previous)) {
        throw this.corrupt(key, 'the record is too short')
      }

      const expiresAt = recordExpiresAt(previous)
      const stored = this.state.stored - 1
      const operations = deleteOperations(ns, peer, recordPosition(previous), expiresAt, true)
      operations.push({ type: 'put', key: KEY_STATE, value: encodeState({ counter: this.state.counter, stored }) })
      await this.db.batch(operations)
      this.state.stored = stored

      return expiresAt > this.clock()
    })
  }

  async removePeer (peerId: string): Promise<number> {
    return this.exclusive(async () => {
      const peer = utf8(peerId)
      const prefix = peerPrefix(peer)
      const now = this.clock()
      const keys = await this.db.keys({ gt: prefix, lt: prefixUpperBound(prefix) }).all()
      const operations: BatchOperation[] = []
      let live = 0
      let removed = 0

      for (const key of keys) {
        const namespace = key.subarray(prefix.byteLength)
        const recordKeyBytes = recordKey(registrationKeyBody(namespace, peer))
        const record = this.db.getSync(recordKeyBytes)

        operations.push({ type: 'del', key })

        if (record === undefined || !isRecord(record)) {
          continue
        }

        const expiresAt = recordExpiresAt(record)
        operations.push(...deleteOperations(namespace, peer, recordPosition(record), expiresAt, false))
        removed++

        if (expiresAt > now) {
          live++
        }
      }

      if (operations.length > 0) {
        const stored = this.state.stored - removed
        operations.push({ type: 'put', key: KEY_STATE, value: encodeState({ counter: this.state.counter, stored }) })
        await this.db.batch(operations)
        this.state.stored = stored
      }

      return live
    })
  }

  async countByPeer (peerId: string, options?: CountByPeerOptions): Promise<number> {
    const exclude = options?.excludeNamespace

    if (exclude !== undefined) {
      validateNamespace(exclude)
    }

    this.checkOpen()
    const prefix = peerPrefix(utf8(peerId))
    const excluded = exclude === undefined ? undefined : utf8(exclude)
    const now = this.clock()
    const entries = await this.db.iterator({ gt: prefix, lt: prefixUpperBound(prefix) }).all()
    let count = 0

    for (const [key, value] of entries) {
      if (expiryOf(value) > now && (excluded === undefined || !excluded.equals(key.subarray(prefix.byteLength)))) {
        count++
      }
    }

    return count
  }

  async discover (options: DiscoverOptions): Promise<DiscoverResult> {
    const { namespace, after, limit } = options ?? {}

    if (namespace !== undefined) {
      validateNamespace(namespace)
    }

    validatePosition(after)
    validateLimit(limit)
    this.checkOpen()

    const from = after ?? 0

    if (limit === 0) {
      return { registrations: [], position: from }
    }

    const now = this.clock()
    const bodies: Buffer[] = []
    const names: Array<{ namespace: string, peerId: string }> = []
    const positions: number[] = []

    if (namespace === undefined) {
      await this.scan(orderKey(from), prefixUpperBound(Buffer.of(orderKey(0)[0])), limit, (key, value) => {
        if (expiryOf(value) > now) {
          const body = value.subarray(8)
          const { namespace, peer } = splitRegistrationKeyBody(body, 0)
          bodies.push(body)
          names.push({ namespace: namespace.toString('utf8'), peerId: peer.toString('utf8') })
          positions.push(readPosition(key, 1))
        }
        return bodies.length < limit
      })
    } else {
      const ns = utf8(namespace)
      const prefix = namespaceOrderPrefix(ns)
      await this.scan(namespaceOrderKey(prefix, from), prefixUpperBound(prefix), limit, (key, value) => {
        if (expiryOf(value) > now) {
          const peer = value.subarray(8)
          bodies.push(registrationKeyBody(ns, peer))
          names.push({ namespace, peerId: peer.toString('utf8') })
          positions.push(readPosition(key, prefix.byteLength))
        }
        return bodies.length < limit
      })
    }

    const registrations = await this.records(bodies, names, positions)

    return {
      registrations,
      position: registrations.length > 0 ? registrations[registrations.length - 1].position : from
    }
  }

  async sample (namespace: string, limit: number): Promise<Registration[]> {
    validateNamespace(namespace)
    validateLimit(limit)
    this.checkOpen()

    if (limit === 0) {
      return []
    }

    const now = this.clock()
    const ns = utf8(namespace)
    const prefix = namespaceOrderPrefix(ns)
    // reservoir sampling over the namespace's index: each live entry ends up chosen with probability limit/n
    const chosen: Array<{ peer: Buffer, position: number }> = []
    let seen = 0

    await this.scan(prefix, prefixUpperBound(prefix), SCAN_CHUNK, (key, value) => {
      if (expiryOf(value) <= now) {
        return true
      }

      seen++
      const entry = { peer: value.subarray(8), position: readPosition(key, prefix.byteLength) }

      if (chosen.length < limit) {
        chosen.push(entry)
      } else {
        const slot = Math.floor(Math.random() * seen)

        if (slot < limit) {
          chosen[slot] = entry
        }
      }

      return true
    })

    return this.records(
      chosen.map(({ peer }) => registrationKeyBody(ns, peer)),
      chosen.map(({ peer }) => ({ namespace, peerId: peer.toString('utf8') })),
      chosen.map(({ position }) => position)
    )
  }

  async expire (): Promise<number> {
    return this.exclusive(async () => {
      const upper = expiryUpperBound(this.clock())
      let removed = 0

      // bounded batches: a large expiry does not build one huge batch in memory, and each batch is atomic
      while (true) {
        const entries = await this.db.iterator({ gte: EXPIRY_START, lte: upper, limit: SCAN_CHUNK }).all()

        if (entries.length === 0) {
          return removed
        }

        const operations: BatchOperation[] = []

        for (const [key, body] of entries) {
          const { namespace, peer } = splitRegistrationKeyBody(body, 0)
          const position = readPosition(key, 9)
          operations.push(
            { type: 'del', key: recordKey(body) },
            { type: 'del', key: orderKey(position) },
            { type: 'del', key: namespaceOrderKey(namespaceOrderPrefix(namespace), position) },
            { type: 'del', key },
            { type: 'del', key: peerKey(peerPrefix(peer), namespace) }
          )
        }

        const stored = this.state.stored - entries.length
        operations.push({ type: 'put', key: KEY_STATE, value: encodeState({ counter: this.state.counter, stored }) })
        await this.db.batch(operations)
        this.state.stored = stored
        removed += entries.length
      }
    })
  }

  async count (): Promise<number> {
    this.checkOpen()
    // expired records still stored are exactly the expiry-index entries up to now: counting them costs
    // what expire() would delete, not the size of the store
    let expired = 0
    await this.scan(EXPIRY_START, expiryUpperBound(this.clock()), SCAN_CHUNK, () => {
      expired++
      return true
    }, true)
    return this.state.stored - expired
  }

  async close (): Promise<void> {
    if (this.closed) {
      return
    }

    this.closed = true
    await this.writes
    await this.db.close()
  }

  /**
   * Visits index entries from `start` (exclusive) to `end` in chunks until `visit` returns false or the
   * range ends. `end` is exclusive unless `inclusiveEnd`.
   */
  private async scan (start: Buffer, end: Buffer, chunk: number, visit: (key: Buffer, value: Buffer) => boolean, inclusiveEnd = false): Promise<void> {
    const iterator = this.db.iterator(inclusiveEnd ? { gte: start, lte: end } : { gt: start, lt: end })

    try {
      while (true) {
        const entries = await iterator.nextv(chunk)

        for (const [key, value] of entries) {
          if (!visit(key, value)) {
            return
          }
        }

        if (entries.length < chunk) {
          return
        }
      }
    } finally {
      await iterator.close()
    }
  }

  /**
   * Reads the records the index entries point at. An entry whose record has meanwhile been refreshed
   * (another position) or removed is skipped: the index read and this read are not one snapshot.
   */
  private async records (bodies: Buffer[], names: Array<{ namespace: string, peerId: string }>, positions: number[]): Promise<Registration[]> {
    if (bodies.length === 0) {
      return []
    }

    const values = await this.db.getMany(bodies.map(body => recordKey(body)))
    const registrations: Registration[] = []

    for (let i = 0; i < values.length; i++) {
      const value = values[i]

      if (value === undefined) {
        continue
      }

      if (!isRecord(value)) {
        throw this.corrupt(recordKey(bodies[i]), 'the record is too short')
      }

      if (recordPosition(value) === positions[i]) {
        registrations.push(decodeRecord(names[i].namespace, names[i].peerId, value))
      }
    }

    return registrations
  }
}
