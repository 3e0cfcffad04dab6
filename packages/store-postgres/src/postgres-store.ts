import { randomBytes } from 'node:crypto'
import { GuardedStore, InvalidArgumentError, RegistrationLimitError, StoreClosedError, storedRegistration } from '@rendezvous/store'
import { EXPIRE_CHUNK, MAX_EXPIRE_CHUNKS, MAX_PAGE_READS_IN_FLIGHT, MAX_UPSERT_BATCH } from './constants.ts'
import { wrapDatabaseError } from './database.ts'
import { packEntry, unpackPage } from './entry.ts'
import { SecretLengthError } from './errors.ts'
import { encodeKey } from './keys.ts'
import { PageReads } from './page-reads.ts'
import { queries } from './queries.ts'
import type { Page, PageRequest } from './page-reads.ts'
import type { Query, QueryName } from './queries.ts'
import type { SchemaContext } from './schema.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore, SampleOptions, UpsertOptions } from '@rendezvous/store'
import type pg from 'pg'

/** The longest secret name `getOrCreateSecret` takes, in characters */
const MAX_SECRET_NAME = 64

/** Bounds of a secret's length in bytes */
const MIN_SECRET_BYTES = 16
const MAX_SECRET_BYTES = 1024

/** An upsert waiting for the write in flight to finish, with the arguments of the database's upsert */
interface PendingUpsert {
  namespace: string
  peerId: string
  format: string
  entry: Buffer
  ttl: number
  registeredAt: number
  expiresAt: number
  maxPerPeer: number | null
  max: number | null
  resolve(result: number): void
  reject(err: unknown): void
}

/** A limit as the database takes it: NULL for none */
function limitParameter (limit: number | undefined): number | null {
  return limit === undefined || limit === Number.POSITIVE_INFINITY ? null : limit
}

/**
 * The store's own operations beyond {@link RegistrationStore}, for the daemon of a fleet: a secret shared by
 * every point, and a health check.
 */
export interface PostgresRegistrationStoreExtras {
  /**
   * The secret of this name, `bytes` long, the same for every point on the database: the first caller
   * creates it from `crypto.randomBytes`, every later one (in any process) reads it. For the cookie key of
   * `/rendezvous/1.0.0`, so a cookie one point hands out is good at another. Rejects with
   * {@link SecretLengthError} if the stored secret has another length.
   */
  getOrCreateSecret(name: string, bytes: number): Promise<Uint8Array>

  /** Resolves once the database has answered a trivial query; rejects with `StoreUnavailableError` if it cannot */
  ping(): Promise<void>
}

/** A {@link RegistrationStore} on PostgreSQL, with the fleet helpers of {@link PostgresRegistrationStoreExtras} */
export type PostgresRegistrationStore = RegistrationStore & PostgresRegistrationStoreExtras

/**
 * A {@link RegistrationStore} in one schema of a PostgreSQL database, through a connection pool. It keeps
 * nothing in memory that another point on the same database could change: positions come from a sequence,
 * counts from the database, and every write is one call of a function of the schema (schema.ts) that
 * takes the store's advisory lock until it commits.
 */
export class PostgresStore extends GuardedStore implements PostgresRegistrationStore {
  private readonly pool: pg.Pool
  private readonly clock: Clock
  private readonly statements: Record<QueryName, Query>
  private readonly location: string
  private closed = false
  /** Upserts that arrived while a write was in flight, sent together when it is done */
  private pending: PendingUpsert[] = []
  private writing = false
  /** Discovers in one namespace: a few queries in flight, the rest sent together */
  private readonly pages: PageReads

  constructor (pool: pg.Pool, context: SchemaContext, clock: Clock, location: string) {
    super()
    this.pool = pool
    this.location = location
    this.clock = clock
    this.statements = queries(context)
    // one connection of the pool is left for the writes
    this.pages = new PageReads(Math.max(1, Math.min(MAX_PAGE_READS_IN_FLIGHT, (pool.options.max ?? 10) - 1)),
      async (request) => this.readPage(request),
      async (requests) => this.readPages(requests))
  }

  private async readPage ({ namespace, after, limit, formats }: PageRequest): Promise<Page> {
    return await this.value('discoverNamespace', [namespace, after, this.clock(), limit, formats]) as Page
  }

  private async readPages (requests: PageRequest[]): Promise<Page[]> {
    const rows = await this.run('discoverPages', [requests.map(r => r.namespace), requests.map(r => r.after),
      requests.map(r => r.limit), this.clock(), requests[0].formats])
    return rows.map(row => row[0] as Page)
  }

  protected isClosed (): boolean {
    return this.closed
  }

  /** Runs a prepared statement, rows as arrays; database outages reject with StoreUnavailableError */
  private async run (name: QueryName, values: unknown[]): Promise<unknown[][]> {
    if (this.closed) {
      throw new StoreClosedError()
    }

    const { name: statement, text } = this.statements[name]

    try {
      const result = await this.pool.query({ name: statement, text, values, rowMode: 'array' })
      return result.rows
    } catch (err) {
      throw wrapDatabaseError(err)
    }
  }

  /** The single value of a one-row, one-column result */
  private async value (name: QueryName, values: unknown[]): Promise<unknown> {
    const rows = await this.run(name, values)
    return rows[0]?.[0]
  }

  protected async upsertChecked (registration: NewRegistration, options?: UpsertOptions): Promise<Registration> {
    // the entry is a copy: the caller may change its array as soon as this returns
    const { namespace, peerId, signedPeerRecord, format, ttl, registeredAt, expiresAt } = registration
    const storedNamespace = encodeKey(namespace)
    const storedPeerId = encodeKey(peerId)
    const entry = packEntry({ namespace: storedNamespace, peerId: storedPeerId, format, ttl, registeredAt, expiresAt, signedPeerRecord })
    const position = await new Promise<number>((resolve, reject) => {
      this.pending.push({
        namespace: storedNamespace,
        peerId: storedPeerId,
        format,
        entry,
        ttl,
        registeredAt,
        expiresAt,
        maxPerPeer: limitParameter(options?.maxRegistrationsPerPeer),
        max: limitParameter(options?.maxRegistrations),
        resolve,
        reject
      })

      if (!this.writing) {
        void this.writePending()
      }
    })

    if (position === -1) {
      throw new RegistrationLimitError('peer')
    }

    if (position === -2) {
      throw new RegistrationLimitError('store')
    }

    return storedRegistration(registration, position)
  }

  /**
   * Sends the waiting upserts, one write at a time: alone as soon as it arrives when nothing is in flight
   * (no added latency), or together with the others that arrived meanwhile, in one transaction. The writes
   * of every point are serialised by the store's lock anyway; sending them together means one commit, and
   * one flush of the WAL, for all of them. A database error rejects every upsert of the batch (none of
   * them committed); a refused limit is a result, not an error, and refuses only its own upsert.
   */
  private async writePending (): Promise<void> {
    this.writing = true

    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.batchLength())

        try {
          const now = this.clock()
          let results: number[]

          if (batch.length === 1) {
            const u = batch[0]
            results = [await this.value('upsert', [u.namespace, u.peerId, u.format, u.entry, u.ttl, u.registeredAt, u.expiresAt, now, u.maxPerPeer, u.max]) as number]
          } else {
            // the entries as one bytea, sent as it is (node-postgres binds a Buffer in binary), with their lengths
            const returned = await this.value('upsertBatch', [
              batch.map(u => u.namespace), batch.map(u => u.peerId), batch.map(u => u.format),
              Buffer.concat(batch.map(u => u.entry)), batch.map(u => u.entry.byteLength),
              batch.map(u => u.ttl), batch.map(u => u.registeredAt), batch.map(u => u.expiresAt), now,
              batch.map(u => u.maxPerPeer), batch.map(u => u.max)
            ]) as Array<string | number>
            // node-postgres reads a bigint[] as strings
            results = returned.map(Number)
          }

          batch.forEach((u, i) => { u.resolve(results[i]) })
        } catch (err) {
          batch.forEach(u => { u.reject(err) })
        }
      }
    } finally {
      this.writing = false
    }
  }

  /**
   * How many of the pending upserts go in the next write: up to MAX_UPSERT_BATCH, stopping before the
   * first key that is already in the batch. The database refreshes a batch in one UPDATE, which could not
   * say which of two refreshes of one key came last; the second waits for the next write.
   */
  private batchLength (): number {
    const keys = new Set<string>()
    const length = Math.min(this.pending.length, MAX_UPSERT_BATCH)

    for (let i = 0; i < length; i++) {
      // stored keys have NUL escaped (keys.ts), so NUL separates them unambiguously
      const key = `${this.pending[i].namespace}\u0000${this.pending[i].peerId}`

      if (keys.has(key)) {
        return i
      }

      keys.add(key)
    }

    return length
  }

  protected async removeChecked (namespace: string, peerId: string): Promise<boolean> {
    return await this.value('remove', [encodeKey(namespace), encodeKey(peerId), this.clock()]) === true
  }

  protected async removePeerChecked (peerId: string): Promise<number> {
    return await this.value('removePeer', [encodeKey(peerId), this.clock()]) as number
  }

  protected async countByPeerChecked (peerId: string, options?: CountByPeerOptions): Promise<number> {
    const exclude = options?.excludeNamespace

    return await this.value('countByPeer', [encodeKey(peerId), exclude === undefined ? null : encodeKey(exclude), this.clock()]) as number
  }

  protected async discoverChecked (options: DiscoverOptions): Promise<DiscoverResult> {
    const { namespace, limit, formats } = options
    const after = options.after ?? 0
    const filter = formats === undefined ? null : [...formats]
    const packed = namespace === undefined
      ? await this.value('discoverAll', [after, this.clock(), limit, filter])
      : await this.pages.read({ namespace: encodeKey(namespace), after, limit, formats: filter })
    const registrations = unpackPage(packed as string | null, this.location, namespace)

    // the query concatenates the rows in the order its index scan returns them (queries.ts); should a plan
    // ever return them otherwise, the page is still handed out in order
    if (!registrations.every((r, i) => i === 0 || registrations[i - 1].position < r.position)) {
      registrations.sort((a, b) => a.position - b.position)
    }

    return {
      registrations,
      position: registrations.length > 0 ? registrations[registrations.length - 1].position : after
    }
  }

  protected async sampleChecked (namespace: string, limit: number, options?: SampleOptions): Promise<Registration[]> {
    const formats = options?.formats === undefined ? null : [...options.formats]
    // the database's limit is an int4: a larger one means "all of them" just the same
    const packed = await this.value('sample', [encodeKey(namespace), Math.min(limit, 0x7fffffff), this.clock(), formats])

    return unpackPage(packed as string | null, this.location, namespace)
  }

  protected async expireChecked (): Promise<number> {
    const now = this.clock()
    let deleted = 0

    for (let chunk = 0; chunk < MAX_EXPIRE_CHUNKS; chunk++) {
      const inChunk = await this.value('expire', [now, EXPIRE_CHUNK]) as number
      deleted += inChunk

      if (inChunk < EXPIRE_CHUNK) {
        break
      }
    }

    return deleted
  }

  protected async countChecked (): Promise<number> {
    return await this.value('count', [this.clock()]) as number
  }

  async getOrCreateSecret (name: string, bytes: number): Promise<Uint8Array> {
    if (typeof name !== 'string' || name === '' || name.length > MAX_SECRET_NAME || name.includes('\u0000')) {
      throw new InvalidArgumentError(`A secret's name must be a string of 1 to ${MAX_SECRET_NAME} characters without NUL`)
    }

    if (!Number.isSafeInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
      throw new InvalidArgumentError(`A secret must be ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes long, got ${String(bytes)}`)
    }

    const stored = await this.value('secret', [name, randomBytes(bytes)]) as Buffer

    if (stored.byteLength !== bytes) {
      throw new SecretLengthError(`The secret ${JSON.stringify(name)} in the database is ${stored.byteLength} bytes long, not ${bytes}`)
    }

    return new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength)
  }

  async ping (): Promise<void> {
    await this.run('ping', [])
  }

  async close (): Promise<void> {
    if (this.closed) {
      return
    }

    this.closed = true
    await this.pool.end()
  }
}
