import { CorruptStoreError, GuardedStore, RegistrationLimitError, StoreClosedError, storedRegistration } from '@rendezvous/store'
import { READ_BUDGET_BYTES, SCAN_CHUNK } from './constants.ts'
import { asCorruption, encodeState } from './database.ts'
import {
  KEY_STATE, PREFIX_EXPIRY, PREFIX_KEY, expiryKey, expiryUpperBound, expiryValue, formatPrefix, namespaceFormatPrefix,
  namespaceKeyPrefix, namespaceOrderKey, peerKey, peerPrefix, prefixUpperBound, readPosition, readSortableNumber,
  recordKey, registrationKey, registrationKeyBody, splitExpiryValue, splitRegistrationKeyBody, utf8
} from './keys.ts'
import {
  decodeRecord, encodeLocation, encodeRecord, expiryOf, isLocation, isRecord, locationExpiresAt, locationFormat, locationPosition,
  withExpiry
} from './record.ts'
import type { Level, StoreState } from './database.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore, SampleOptions, UpsertOptions } from '@rendezvous/store'

type BatchOperation = { type: 'put', key: Buffer, value: Buffer } | { type: 'del', key: Buffer }

const EXPIRY_START = Buffer.of(PREFIX_EXPIRY)
const NO_BYTES = new Uint8Array(0)

/** Deletes one registration: its key, record and every index entry, all derivable from (namespace, peer, position, expiry, format) */
function deleteOperations (namespace: Buffer, peer: Buffer, position: number, expiresAt: number, format: Buffer): BatchOperation[] {
  return [
    { type: 'del', key: registrationKey(registrationKeyBody(namespace, peer)) },
    ...indexDeletions(namespace, position, expiresAt, format),
    { type: 'del', key: peerKey(peerPrefix(peer), namespace) }
  ]
}

/** Deletes the entries a registration has at its position: its record and its places in the expiry and global format indexes */
function indexDeletions (namespace: Buffer, position: number, expiresAt: number, format: Buffer): BatchOperation[] {
  return [
    { type: 'del', key: recordKey(namespace, format, position) },
    { type: 'del', key: expiryKey(expiresAt, position) },
    { type: 'del', key: namespaceOrderKey(formatPrefix(format), position) }
  ]
}

/** Where a registration is: its position, its expiry and its format */
interface Location {
  position: number
  expiresAt: number
  format: Buffer
}

/** Each format once, as the bytes keys use */
function formatKeys (formats: readonly string[]): Buffer[] {
  return [...new Set(formats)].map(format => Buffer.from(format, 'latin1'))
}

/** A record to read: where it is, and the names it was found under */
interface Pointer {
  namespace: string
  position: number
  key: Buffer
}

/**
 * A {@link RegistrationStore} in a LevelDB directory. Writes are applied one at a time, in call order,
 * each as one atomic batch that also carries the position counter, so a crash never leaves an index
 * pointing at a missing record or a counter behind a position already handed out.
 */
export class LevelRegistrationStore extends GuardedStore implements RegistrationStore {
  readonly path: string
  private readonly db: Level
  private readonly clock: Clock
  private readonly state: StoreState
  /**
   * Every format a registration may have: read at open, added to by every upsert, never removed (a format
   * no registration has any more costs an empty range read). A discover across namespaces without a filter
   * merges the `g` ranges of these formats.
   */
  private readonly formats: Set<string>
  private writes: Promise<unknown> = Promise.resolve()
  private closed = false

  constructor (path: string, db: Level, state: StoreState, formats: Set<string>, clock: Clock) {
    super()
    this.path = path
    this.db = db
    this.state = state
    this.formats = formats
    this.clock = clock
  }

  protected isClosed (): boolean {
    return this.closed
  }

  private checkOpen (): void {
    if (this.closed) {
      throw new StoreClosedError()
    }
  }

  /** Runs `write` after every write queued before it: read-modify-write stays consistent without locks */
  private async exclusive<T> (write: () => Promise<T>): Promise<T> {
    this.checkOpen()
    const result = this.writes.then(write)
    this.writes = result.catch(() => {})
    return result
  }

  private corrupt (key: Uint8Array, problem: string): CorruptStoreError {
    return new CorruptStoreError(this.path, `key ${Buffer.from(key).toString('hex')}: ${problem}`)
  }

  /** The (position, expiry, format) stored under a registration key, if any */
  private location (key: Buffer): Location | undefined {
    let value: Buffer | undefined

    try {
      value = this.db.getSync(key)
    } catch (err) {
      throw asCorruption(this.path, err)
    }

    if (value === undefined) {
      return undefined
    }

    if (!isLocation(value)) {
      throw this.corrupt(key, `a registration key should hold 17 to 48 bytes, it holds ${value.byteLength}`)
    }

    return { position: locationPosition(value), expiresAt: locationExpiresAt(value), format: locationFormat(value) }
  }

  private async commit (operations: BatchOperation[], stored: number): Promise<void> {
    operations.push({ type: 'put', key: KEY_STATE, value: encodeState({ counter: this.state.counter, stored }) })

    try {
      await this.db.batch(operations)
    } catch (err) {
      throw asCorruption(this.path, err)
    }

    this.state.stored = stored
  }

  protected async upsertChecked (registration: NewRegistration, options?: UpsertOptions): Promise<Registration> {
    const perPeer = options?.maxRegistrationsPerPeer ?? Number.POSITIVE_INFINITY
    const total = options?.maxRegistrations ?? Number.POSITIVE_INFINITY

    // the limits are counted inside the write queue, so no other write of this store runs between the
    // count and the batch: the check and the write are one step. One LevelDB directory is open in one
    // store of one process at a time (LevelDB's LOCK file), so nothing else writes it either
    return this.exclusive(async () => {
      const namespace = utf8(registration.namespace)
      const peer = utf8(registration.peerId)
      const format = Buffer.from(registration.format, 'latin1')
      const body = registrationKeyBody(namespace, peer)
      const key = registrationKey(body)
      const previous = this.location(key)
      const { expiresAt } = registration

      // a refresh of a live registration takes no room; anything else is checked
      if ((perPeer !== Number.POSITIVE_INFINITY || total !== Number.POSITIVE_INFINITY) && (previous === undefined || previous.expiresAt <= this.clock())) {
        await this.checkLimits(peer, perPeer, total)
      }

      const operations: BatchOperation[] = previous === undefined ? [] : indexDeletions(namespace, previous.position, previous.expiresAt, previous.format)

      // the counter moves before the write is confirmed: a failed batch leaves a gap, never a reused position
      const position = ++this.state.counter
      operations.push(
        { type: 'put', key, value: encodeLocation(position, expiresAt, format) },
        { type: 'put', key: recordKey(namespace, format, position), value: encodeRecord(registration, position, peer, format) },
        { type: 'put', key: expiryKey(expiresAt, position), value: expiryValue(format, body) },
        { type: 'put', key: namespaceOrderKey(formatPrefix(format), position), value: withExpiry(expiresAt, body) },
        { type: 'put', key: peerKey(peerPrefix(peer), namespace), value: withExpiry(expiresAt, NO_BYTES) }
      )
      await this.commit(operations, previous === undefined ? this.state.stored + 1 : this.state.stored)
      this.formats.add(registration.format)

      return storedRegistration(registration, position)
    })
  }

  /** Rejects with {@link RegistrationLimitError} if a new registration of the peer would exceed a limit: the peer's first */
  private async checkLimits (peer: Buffer, perPeer: number, total: number): Promise<void> {
    const now = this.clock()

    if (perPeer !== Number.POSITIVE_INFINITY) {
      const prefix = peerPrefix(peer)
      let live = 0

      await this.scan({ gt: prefix, lt: prefixUpperBound(prefix) }, SCAN_CHUNK, (_, value) => {
        if (expiryOf(value) > now) {
          live++
        }
        return live < perPeer
      })

      if (live >= perPeer) {
        throw new RegistrationLimitError('peer')
      }
    }

    if (total !== Number.POSITIVE_INFINITY && this.state.stored - await this.countExpired(now) >= total) {
      throw new RegistrationLimitError('store')
    }
  }

  protected async removeChecked (namespace: string, peerId: string): Promise<boolean> {
    return this.exclusive(async () => {
      const ns = utf8(namespace)
      const peer = utf8(peerId)
      const previous = this.location(registrationKey(registrationKeyBody(ns, peer)))

      if (previous === undefined) {
        return false
      }

      await this.commit(deleteOperations(ns, peer, previous.position, previous.expiresAt, previous.format), this.state.stored - 1)

      return previous.expiresAt > this.clock()
    })
  }

  protected async removePeerChecked (peerId: string): Promise<number> {
    return this.exclusive(async () => {
      const peer = utf8(peerId)
      const prefix = peerPrefix(peer)
      const now = this.clock()
      const keys = await this.db.keys({ gt: prefix, lt: prefixUpperBound(prefix) }).all().catch(err => { throw asCorruption(this.path, err) })
      const operations: BatchOperation[] = []
      let live = 0
      let removed = 0

      for (const key of keys) {
        const namespace = key.subarray(prefix.byteLength)
        const previous = this.location(registrationKey(registrationKeyBody(namespace, peer)))

        if (previous === undefined) {
          // a peer entry without its registration: not written by this code, but harmless to drop
          operations.push({ type: 'del', key })
          continue
        }

        operations.push(...deleteOperations(namespace, peer, previous.position, previous.expiresAt, previous.format))
        removed++

        if (previous.expiresAt > now) {
          live++
        }
      }

      if (operations.length > 0) {
        await this.commit(operations, this.state.stored - removed)
      }

      return live
    })
  }

  protected async countByPeerChecked (peerId: string, options?: CountByPeerOptions): Promise<number> {
    const exclude = options?.excludeNamespace

    this.checkOpen()
    const prefix = peerPrefix(utf8(peerId))
    const excluded = exclude === undefined ? undefined : utf8(exclude)
    const now = this.clock()
    let count = 0

    await this.scan({ gt: prefix, lt: prefixUpperBound(prefix) }, SCAN_CHUNK, (key, value) => {
      if (expiryOf(value) > now && (excluded === undefined || !excluded.equals(key.subarray(prefix.byteLength)))) {
        count++
      }
      return true
    })

    return count
  }

  protected async discoverChecked (options: DiscoverOptions): Promise<DiscoverResult> {
    const { namespace, after, limit, formats } = options
    this.checkOpen()

    const from = after ?? 0

    const now = this.clock()
    let registrations: Registration[]

    // without a filter, the order of a namespace (or of all) is the merge of the orders of every format present
    const wanted = formatKeys(formats ?? [...this.formats])

    if (namespace === undefined) {
      registrations = await this.discoverAcross(from, limit, now, wanted)
    } else {
      registrations = await this.discoverIn(namespace, from, limit, now, wanted)
    }

    return {
      registrations,
      position: registrations.length > 0 ? registrations[registrations.length - 1].position : from
    }
  }

  /**
   * A page of one namespace in the given formats: records sit in (namespace, format, position) order, so
   * each format's page is one range read of values, at most `limit` live ones; with several formats the
   * pages are merged by position and cut at `limit`. The first `limit` of the merge are the first `limit`
   * of all of them, so nothing is skipped, and records of other formats are never read.
   */
  private async discoverIn (namespace: string, from: number, limit: number, now: number, formats: Buffer[]): Promise<Registration[]> {
    const ns = utf8(namespace)
    const registrations: Registration[] = []

    for (const format of formats) {
      const prefix = namespaceFormatPrefix(ns, format)
      const stop = registrations.length + limit

      await this.scan({ gt: namespaceOrderKey(prefix, from), lt: prefixUpperBound(prefix) }, limit, (_, value) => {
        if (expiryOf(value) > now) {
          registrations.push(this.decode(namespace, prefix, value))
        }
        return registrations.length < stop
      }, 'values')
    }

    return mergeByPosition(registrations, formats.length, limit)
  }

  /**
   * A page across namespaces in the given formats: the first `limit` live entries of each format's `g`
   * range, merged by position and cut at `limit`, then their records with one `getMany`
   */
  private async discoverAcross (from: number, limit: number, now: number, formats: Buffer[]): Promise<Registration[]> {
    const pointers: Pointer[] = []

    for (const format of formats) {
      const prefix = formatPrefix(format)
      const stop = pointers.length + limit

      await this.scan({ gt: namespaceOrderKey(prefix, from), lt: prefixUpperBound(prefix) }, limit, (key, value) => {
        if (expiryOf(value) > now) {
          const position = readPosition(key, prefix.byteLength)
          const { namespace } = splitRegistrationKeyBody(value, 8)
          pointers.push({ namespace: namespace.toString('utf8'), position, key: recordKey(namespace, format, position) })
        }
        return pointers.length < stop
      })
    }

    return this.records(mergeByPosition(pointers, formats.length, limit))
  }

  protected async sampleChecked (namespace: string, limit: number, options?: SampleOptions): Promise<Registration[]> {
    this.checkOpen()
    const formats = options?.formats

    const now = this.clock()
    const ns = utf8(namespace)

    if (formats !== undefined) {
      return this.sampleFormats(namespace, ns, limit, now, formatKeys(formats))
    }

    return (await this.sampleStored(namespace, ns, limit, now)) ?? this.sampleLive(namespace, ns, limit, now)
  }

  /**
   * {@link sample} with a format filter. As {@link sampleStored}: one reservoir over the keys alone of the
   * listed formats' record ranges in the namespace (a uniform sample of those stored, expired or not), then
   * the chosen records; if one of them has expired or gone, an exact reservoir over the live records of
   * those ranges instead. Either way each live registration of those formats is equally likely, and
   * records of other formats are never read.
   */
  private async sampleFormats (namespace: string, ns: Buffer, limit: number, now: number, formats: Buffer[]): Promise<Registration[]> {
    const chosen: Pointer[] = []
    // one count across the formats: the reservoir runs over their concatenation
    const seen = { stored: 0 }

    for (const format of formats) {
      const prefix = namespaceFormatPrefix(ns, format)

      await this.scan({ gt: prefix, lt: prefixUpperBound(prefix) }, SCAN_CHUNK, (key) => {
        seen.stored++
        const slot = chosen.length < limit ? chosen.length : Math.floor(Math.random() * seen.stored)

        if (slot < limit) {
          chosen[slot] = { namespace, position: readPosition(key, prefix.byteLength), key }
        }

        return true
      }, 'keys')
    }

    const registrations = await this.records(chosen)

    if (registrations.length === chosen.length && registrations.every(r => r.expiresAt > now)) {
      return registrations
    }

    const live: Array<{ prefix: Buffer, value: Buffer }> = []
    const counted = { live: 0 }

    for (const format of formats) {
      const prefix = namespaceFormatPrefix(ns, format)

      await this.scan({ gt: prefix, lt: prefixUpperBound(prefix) }, SCAN_CHUNK, (_, value) => {
        if (expiryOf(value) > now) {
          counted.live++
          const slot = live.length < limit ? live.length : Math.floor(Math.random() * counted.live)

          if (slot < limit) {
            live[slot] = { prefix, value }
          }
        }

        return true
      }, 'values')
    }

    return live.map(({ prefix, value }) => this.decode(namespace, prefix, value))
  }

  /**
   * The fast path of {@link sample}: a uniform sample of the namespace's stored registrations, expired or
   * not, drawn from the registration keys alone, read as strings (classic-level makes a string far more
   * cheaply than a buffer, and the values are not needed). If none of the chosen has expired, it is a
   * uniform sample of the live ones too: every set of live registrations of that size was as likely to be
   * drawn. Otherwise it returns `undefined` and the caller takes the exact path, so the result stays
   * uniform either way; with `expire()` running now and then, the fast path is the usual one.
   */
  private async sampleStored (namespace: string, ns: Buffer, limit: number, now: number): Promise<Registration[] | undefined> {
    if (ns.byteLength >= 0x80) {
      // the length byte of such a namespace is not UTF-8 on its own: the keys cannot be read as strings
      return undefined
    }

    const prefix = `${String.fromCharCode(PREFIX_KEY, ns.byteLength)}${namespace}`
    const chosen: string[] = []
    let seen = 0
    // every key of the namespace is below the prefix with its last character one higher (UTF-8 byte order
    // is code point order); without that bound the last read would run on into the next namespace's keys.
    // Near the surrogates the next code unit is not a character of its own: no bound, the prefix test alone
    const last = prefix.charCodeAt(prefix.length - 1)
    const bound = last < 0xd7ff ? { lt: `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}` } : {}
    const iterator = this.db.keys<string>({ gt: prefix, ...bound, keyEncoding: 'utf8', fillCache: true, highWaterMarkBytes: READ_BUDGET_BYTES })

    try {
      let inRange = true

      while (inRange) {
        const keys = await iterator.nextv(SCAN_CHUNK).catch(err => { throw asCorruption(this.path, err) })
        inRange = keys.length > 0

        for (const key of keys) {
          if (!key.startsWith(prefix)) {
            inRange = false
            break
          }

          seen++
          const slot = chosen.length < limit ? chosen.length : Math.floor(Math.random() * seen)

          if (slot < limit) {
            chosen[slot] = key.slice(prefix.length)
          }
        }
      }
    } finally {
      await iterator.close()
    }

    const locations = chosen.map(peerId => this.location(registrationKey(registrationKeyBody(ns, utf8(peerId)))))
    const pointers: Pointer[] = []

    for (const location of locations) {
      if (location === undefined || location.expiresAt <= now) {
        return undefined
      }

      pointers.push({ namespace, position: location.position, key: recordKey(ns, location.format, location.position) })
    }

    const registrations = await this.records(pointers)

    // a registration removed or refreshed between the two reads: draw again the exact way
    return registrations.length === pointers.length ? registrations : undefined
  }

  /** The exact path of {@link sample}: reservoir sampling over the live registrations only */
  private async sampleLive (namespace: string, ns: Buffer, limit: number, now: number): Promise<Registration[]> {
    const keyPrefix = namespaceKeyPrefix(ns)
    // each live registration ends up chosen with probability limit / live
    const chosen: Pointer[] = []
    let live = 0

    await this.scan({ gt: keyPrefix, lt: prefixUpperBound(keyPrefix) }, SCAN_CHUNK, (key, value) => {
      if (!isLocation(value)) {
        throw this.corrupt(key, `a registration key should hold 17 to 48 bytes, it holds ${value.byteLength}`)
      }

      if (locationExpiresAt(value) <= now) {
        return true
      }

      live++
      const slot = chosen.length < limit ? chosen.length : Math.floor(Math.random() * live)

      if (slot < limit) {
        const position = locationPosition(value)
        chosen[slot] = { namespace, position, key: recordKey(ns, locationFormat(value), position) }
      }

      return true
    })

    return this.records(chosen)
  }

  protected async expireChecked (): Promise<number> {
    return this.exclusive(async () => {
      const upper = expiryUpperBound(this.clock())
      let removed = 0

      // bounded batches: a large expiry does not build one huge batch in memory, and each batch is atomic
      while (true) {
        const entries = await this.db.iterator({ gte: EXPIRY_START, lte: upper, limit: SCAN_CHUNK }).all().catch(err => { throw asCorruption(this.path, err) })

        if (entries.length === 0) {
          return removed
        }

        const operations: BatchOperation[] = []

        for (const [key, value] of entries) {
          const { format, body } = splitExpiryValue(value)
          const { namespace, peer } = splitRegistrationKeyBody(body, 0)
          operations.push(...deleteOperations(namespace, peer, readPosition(key, 9), readSortableNumber(key, 1), format))
        }

        await this.commit(operations, this.state.stored - entries.length)
        removed += entries.length
      }
    })
  }

  protected async countChecked (): Promise<number> {
    this.checkOpen()
    return this.state.stored - await this.countExpired(this.clock())
  }

  /**
   * The expired records still stored: exactly the expiry-index entries up to now, so counting them costs
   * what expire() would delete, not the size of the store
   */
  private async countExpired (now: number): Promise<number> {
    let expired = 0
    await this.scan({ gte: EXPIRY_START, lte: expiryUpperBound(now) }, SCAN_CHUNK, () => {
      expired++
      return true
    }, 'keys')
    return expired
  }

  async close (): Promise<void> {
    if (this.closed) {
      return
    }

    this.closed = true
    await this.writes
    await this.db.close()
  }

  private decode (namespace: string, where: Buffer, value: Buffer): Registration {
    if (!isRecord(value)) {
      throw this.corrupt(where, 'a record is too short')
    }

    return decodeRecord(namespace, value)
  }

  /** Visits the entries of a range in chunks until `visit` returns false or the range ends */
  private async scan (range: { gt?: Buffer, gte?: Buffer, lt?: Buffer, lte?: Buffer }, chunk: number, visit: (key: Buffer, value: Buffer) => boolean, read: 'entries' | 'keys' | 'values' = 'entries'): Promise<void> {
    // classic-level's iterators bypass LevelDB's block cache by default; the tails of the order indexes
    // are what discover reads again and again, so keep them cached. And each nextv stops at 16 KiB by
    // default, less than 100 records: a larger budget answers a page in one trip to the thread pool
    const iterator = this.db.iterator({ ...range, keys: read !== 'values', values: read !== 'keys', fillCache: true, highWaterMarkBytes: READ_BUDGET_BYTES })

    try {
      while (true) {
        // nextv may return fewer entries than asked before the end (it also stops at a byte budget):
        // only an empty answer means the range is done
        const entries = await iterator.nextv(chunk).catch(err => { throw asCorruption(this.path, err) })

        if (entries.length === 0) {
          return
        }

        for (const [key, value] of entries) {
          if (!visit(key, value)) {
            return
          }
        }
      }
    } finally {
      await iterator.close()
    }
  }

  /**
   * Reads the records that index entries point at. One whose registration was refreshed (moved to a
   * new position) or removed since the index was read is skipped, as it would be a moment later.
   */
  private async records (pointers: Pointer[]): Promise<Registration[]> {
    if (pointers.length === 0) {
      return []
    }

    const values = await this.db.getMany(pointers.map(pointer => pointer.key)).catch(err => { throw asCorruption(this.path, err) })
    const registrations: Registration[] = []

    for (let i = 0; i < values.length; i++) {
      const value = values[i]

      if (value !== undefined) {
        registrations.push(this.decode(pointers[i].namespace, pointers[i].key, value))
      }
    }

    return registrations
  }
}

/** Pages of several formats, merged by position and cut at `limit`; one format's page is already in order */
function mergeByPosition<T extends { position: number }> (items: T[], formats: number, limit: number): T[] {
  if (formats > 1) {
    items.sort((a, b) => a.position - b.position)
    items.length = Math.min(items.length, limit)
  }

  return items
}
