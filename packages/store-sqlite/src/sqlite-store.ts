import { StoreClosedError, validateCountByPeer, validateDiscoverOptions, validateLimit, validateNamespace, validateNewRegistration, validatePeerId } from '@rendezvous/store'
import { POSITION_BLOCK } from './constants.ts'
import { openDatabase, wrapCorruption } from './database.ts'
import { QUERIES } from './queries.ts'
import type { Synchronous } from './constants.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore } from '@rendezvous/store'
import type Database from 'better-sqlite3'

/** A discover row: position, namespace, peer_id, ttl, registered_at, expires_at, envelope length */
type PageRow = [number, string, string, number, number, number, number]

/** A sample row: the same columns, with the envelope itself last */
type SampleRow = [number, string, string, number, number, number, Buffer]

/**
 * Joins a page of rows with their envelopes, which arrive concatenated in one buffer (see queries.ts).
 * Each envelope is a view of that buffer: a plain Uint8Array, as callers stored it.
 */
function toRegistrations (rows: PageRow[], envelopes: Buffer): Registration[] {
  const registrations = new Array<Registration>(rows.length)
  let offset = 0

  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    registrations[i] = {
      namespace: row[1],
      peerId: row[2],
      signedPeerRecord: new Uint8Array(envelopes.buffer, envelopes.byteOffset + offset, row[6]),
      ttl: row[3],
      registeredAt: row[4],
      expiresAt: row[5],
      position: row[0]
    }
    offset += row[6]
  }

  return registrations
}

function sampled (row: SampleRow): Registration {
  const bytes = row[6]

  return {
    namespace: row[1],
    peerId: row[2],
    // better-sqlite3 copies each BLOB into its own Buffer; a view of it is the plain Uint8Array callers stored
    signedPeerRecord: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    ttl: row[3],
    registeredAt: row[4],
    expiresAt: row[5],
    position: row[0]
  }
}

/**
 * A {@link RegistrationStore} in one SQLite file. All statements are prepared once at open; better-sqlite3
 * runs them synchronously, so every method has finished its work (and an upsert is committed to the WAL)
 * by the time its promise settles.
 */
export class SqliteRegistrationStore implements RegistrationStore {
  readonly path: string
  private readonly clock: Clock
  private db: Database.Database | undefined
  private readonly statements: Statements
  /** Rows in the table, expired or not: counted at open, then kept by every write once it has committed */
  private rows: number
  /** The position the next upsert takes */
  private nextPosition: number
  /** The high-water mark in position_counter: positions up to it may be handed out without writing it */
  private reservedPosition: number
  private readonly upsertTransaction: (registration: NewRegistration, position: number, reserve: boolean) => boolean
  private readonly removePeerTransaction: (peerId: string) => number[]
  private readonly discoverTransaction: (namespace: string | undefined, after: number, now: number, limit: number) => Registration[]

  constructor (path: string, clock: Clock, synchronous: Synchronous) {
    this.path = path
    this.clock = clock
    const db = openDatabase(path, synchronous)
    this.db = db

    try {
      this.statements = prepare(db)
    } catch (err) {
      db.close()
      throw wrapCorruption(path, err)
    }

    const s = this.statements

    try {
      // a full count, once at open (SQLite reads the smallest index for it)
      this.rows = db.prepare('SELECT count(*) FROM registrations').pluck().get() as number
      // positions may have been handed out up to the mark, so a restart (a crash included) starts above it
      this.reservedPosition = s.positionMark.get() as number
      this.nextPosition = this.reservedPosition + 1
    } catch (err) {
      db.close()
      throw wrapCorruption(path, err)
    }

    // returns whether it replaced a registration. The mark is written in the same transaction as the
    // first position above it, so no committed position is ever above the committed mark
    this.upsertTransaction = db.transaction((r: NewRegistration, position: number, reserve: boolean): boolean => {
      const replaced = s.removeKey.get(r.peerId, r.namespace) !== undefined

      if (reserve) {
        s.reservePositions.run(position + POSITION_BLOCK - 1)
      }

      s.insert.run(r.namespace, position, r.peerId, r.signedPeerRecord, r.ttl, r.registeredAt, r.expiresAt)
      return replaced
    })

    // one read transaction, so the rows and the envelopes come from the same snapshot even if another
    // connection writes in between
    this.discoverTransaction = db.transaction((namespace: string | undefined, after: number, now: number, limit: number): Registration[] => {
      const rows = (namespace === undefined
        ? s.discoverAll.all(after, now, limit)
        : s.discoverNamespace.all(namespace, after, now, limit)) as PageRow[]

      if (rows.length === 0) {
        return []
      }

      const envelopes = (namespace === undefined
        ? s.discoverAllEnvelopes.get(after, now, limit)
        : s.discoverNamespaceEnvelopes.get(namespace, after, now, limit)) as Buffer

      return toRegistrations(rows, envelopes)
    })

    this.removePeerTransaction = db.transaction((peerId: string): number[] => s.removePeer.all(peerId) as number[])
  }

  private open (): Database.Database {
    if (this.db == null) {
      throw new StoreClosedError()
    }

    return this.db
  }

  /** Runs one piece of SQLite work, naming the file if SQLite finds it damaged */
  private run<T> (work: () => T): T {
    this.open()

    try {
      return work()
    } catch (err) {
      throw wrapCorruption(this.path, err)
    }
  }

  async upsert (registration: NewRegistration): Promise<Registration> {
    validateNewRegistration(registration)

    const position = this.nextPosition
    const reserve = position > this.reservedPosition
    const replaced = this.run(() => this.upsertTransaction(registration, position, reserve))

    // only now that the transaction has committed: a failed one leaves memory as it was
    this.nextPosition = position + 1

    if (reserve) {
      this.reservedPosition = position + POSITION_BLOCK - 1
    }

    if (!replaced) {
      this.rows++
    }

    return {
      namespace: registration.namespace,
      peerId: registration.peerId,
      signedPeerRecord: registration.signedPeerRecord,
      ttl: registration.ttl,
      registeredAt: registration.registeredAt,
      expiresAt: registration.expiresAt,
      position
    }
  }

  async remove (namespace: string, peerId: string): Promise<boolean> {
    validateNamespace(namespace)
    validatePeerId(peerId)

    const expiresAt = this.run(() => this.statements.removeKey.get(peerId, namespace)) as number | undefined

    if (expiresAt === undefined) {
      return false
    }

    this.rows--
    return expiresAt > this.clock()
  }

  async removePeer (peerId: string): Promise<number> {
    validatePeerId(peerId)
    const expiries = this.run(() => this.removePeerTransaction(peerId))
    this.rows -= expiries.length
    const now = this.clock()

    return expiries.filter(expiresAt => expiresAt > now).length
  }

  async countByPeer (peerId: string, options?: CountByPeerOptions): Promise<number> {
    validateCountByPeer(peerId, options)
    const exclude = options?.excludeNamespace

    return this.run(() => this.statements.countByPeer.get(peerId, exclude ?? null, this.clock())) as number
  }

  async discover (options: DiscoverOptions): Promise<DiscoverResult> {
    validateDiscoverOptions(options)
    const { namespace, after, limit } = options

    const from = after ?? 0
    const registrations = limit === 0 ? [] : this.run(() => this.discoverTransaction(namespace, from, this.clock(), limit))

    return {
      registrations,
      position: registrations.length > 0 ? registrations[registrations.length - 1].position : from
    }
  }

  async sample (namespace: string, limit: number): Promise<Registration[]> {
    validateNamespace(namespace)
    validateLimit(limit)

    if (limit === 0) {
      return []
    }

    const rows = this.run(() => this.statements.sample.all({ namespace, now: this.clock(), limit })) as SampleRow[]

    return rows.map(sampled)
  }

  async expire (): Promise<number> {
    const deleted = this.run(() => this.statements.expire.run(this.clock()).changes)
    this.rows -= deleted

    return deleted
  }

  async count (): Promise<number> {
    return this.rows - (this.run(() => this.statements.countExpired.get(this.clock())) as number)
  }

  async close (): Promise<void> {
    const db = this.db
    this.db = undefined
    db?.close()
  }
}

type Statements = Record<keyof typeof QUERIES, Database.Statement>

function prepare (db: Database.Database): Statements {
  const statements: Partial<Statements> = {}

  for (const [name, sql] of Object.entries(QUERIES)) {
    const statement = db.prepare(sql)

    // single values as values, rows as arrays (cheaper to build than objects with named columns)
    if (!statement.reader) {
      statements[name as keyof Statements] = statement
    } else if (statement.columns().length === 1) {
      statements[name as keyof Statements] = statement.pluck()
    } else {
      statements[name as keyof Statements] = statement.raw()
    }
  }

  return statements as Statements
}
