import { GuardedStore, RegistrationLimitError, StoreClosedError, storedRegistration } from '@rendezvous/store'
import { POSITION_BLOCK } from './constants.ts'
import { openDatabase, wrapCorruption } from './database.ts'
import { QUERIES } from './queries.ts'
import type { Synchronous } from './constants.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore, SampleOptions, UpsertOptions } from '@rendezvous/store'
import type Database from 'better-sqlite3'

/** A discover row: position, namespace, peer_id, ttl, registered_at, expires_at, envelope length, format */
type PageRow = [number, string, string, number, number, number, number, string]

/** A sample row: the same columns, with the envelope itself in place of its length */
type SampleRow = [number, string, string, number, number, number, Buffer, string]

/** The limits of one upsert, `Infinity` where there is none */
interface Limits {
  perPeer: number
  total: number
}

/** Each format once, in the order given */
function distinct (formats: readonly string[]): readonly string[] {
  return formats.length < 2 ? formats : [...new Set(formats)]
}

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
      format: row[7],
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
    format: row[7],
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
export class SqliteRegistrationStore extends GuardedStore implements RegistrationStore {
  readonly path: string
  private readonly clock: Clock
  private db: Database.Database | undefined
  private readonly statements: Statements
  /** Rows in the table, expired or not: counted at open, then kept by every write once it has committed */
  private rows: number
  /**
   * Every format a row of the table may have: read at open, added to by every upsert, never removed (a
   * format no row has any more costs an empty range read). A discover across namespaces without a filter
   * merges the ranges of these formats.
   */
  private readonly formats: Set<string>
  /** The position the next upsert takes */
  private nextPosition: number
  /** The high-water mark in position_counter: positions up to it may be handed out without writing it */
  private reservedPosition: number
  private readonly upsertTransaction: (registration: NewRegistration, position: number, reserve: boolean, now: number, limits: Limits | undefined) => boolean
  private readonly removePeerTransaction: (peerId: string) => number[]
  private readonly discoverTransaction: (namespace: string | undefined, after: number, now: number, limit: number, formats: readonly string[] | undefined) => Registration[]

  constructor (path: string, clock: Clock, synchronous: Synchronous) {
    super()
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
      this.formats = new Set(s.formatsPresent.all() as string[])
    } catch (err) {
      db.close()
      throw wrapCorruption(path, err)
    }

    // returns whether it replaced a registration. The mark is written in the same transaction as the
    // first position above it, so no committed position is ever above the committed mark.
    //
    // The limits are counted inside the same transaction as the write, so the check and the write are one
    // atomic step: the file is locked to this connection and better-sqlite3 runs the transaction
    // synchronously, so nothing else runs between them. A refusal throws, which rolls the transaction
    // back (the removal of an expired registration of the same key included).
    this.upsertTransaction = db.transaction((r: NewRegistration, position: number, reserve: boolean, now: number, limits: Limits | undefined): boolean => {
      const previousExpiry = s.removeKey.get(r.peerId, r.namespace) as number | undefined
      const replaced = previousExpiry !== undefined

      // a refresh of a live registration takes no room; anything else is checked
      if (limits !== undefined && (previousExpiry === undefined || previousExpiry <= now)) {
        if (limits.perPeer !== Number.POSITIVE_INFINITY && (s.countByPeer.get(r.peerId, null, now) as number) >= limits.perPeer) {
          throw new RegistrationLimitError('peer')
        }

        // the rows before this transaction, less the expired one it removed, less the expired ones left
        if (limits.total !== Number.POSITIVE_INFINITY && this.rows - (replaced ? 1 : 0) - (s.countExpired.get(now) as number) >= limits.total) {
          throw new RegistrationLimitError('store')
        }
      }

      if (reserve) {
        s.reservePositions.run(position + POSITION_BLOCK - 1)
      }

      s.insert.run(r.namespace, position, r.peerId, r.signedPeerRecord, r.ttl, r.registeredAt, r.expiresAt, r.format)
      return replaced
    })

    // one read transaction, so the rows and the envelopes of every format's page come from the same
    // snapshot even if another connection writes in between. Without a filter, the formats present
    this.discoverTransaction = db.transaction((namespace: string | undefined, after: number, now: number, limit: number, formats: readonly string[] | undefined): Registration[] => {
      return discoverFormats(s, namespace, after, now, limit, formats ?? [...this.formats])
    })

    this.removePeerTransaction = db.transaction((peerId: string): number[] => s.removePeer.all(peerId) as number[])
  }

  protected isClosed (): boolean {
    return this.db == null
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

  protected async upsertChecked (registration: NewRegistration, options?: UpsertOptions): Promise<Registration> {
    const perPeer = options?.maxRegistrationsPerPeer ?? Number.POSITIVE_INFINITY
    const total = options?.maxRegistrations ?? Number.POSITIVE_INFINITY
    const limits = perPeer === Number.POSITIVE_INFINITY && total === Number.POSITIVE_INFINITY ? undefined : { perPeer, total }
    const position = this.nextPosition
    const reserve = position > this.reservedPosition
    const replaced = this.run(() => this.upsertTransaction(registration, position, reserve, this.clock(), limits))

    // only now that the transaction has committed: a failed one leaves memory as it was
    this.nextPosition = position + 1
    this.formats.add(registration.format)

    if (reserve) {
      this.reservedPosition = position + POSITION_BLOCK - 1
    }

    if (!replaced) {
      this.rows++
    }

    return storedRegistration(registration, position)
  }

  protected async removeChecked (namespace: string, peerId: string): Promise<boolean> {
    const expiresAt = this.run(() => this.statements.removeKey.get(peerId, namespace)) as number | undefined

    if (expiresAt === undefined) {
      return false
    }

    this.rows--
    return expiresAt > this.clock()
  }

  protected async removePeerChecked (peerId: string): Promise<number> {
    const expiries = this.run(() => this.removePeerTransaction(peerId))
    this.rows -= expiries.length
    const now = this.clock()

    return expiries.filter(expiresAt => expiresAt > now).length
  }

  protected async countByPeerChecked (peerId: string, options?: CountByPeerOptions): Promise<number> {
    const exclude = options?.excludeNamespace

    return this.run(() => this.statements.countByPeer.get(peerId, exclude ?? null, this.clock())) as number
  }

  protected async discoverChecked (options: DiscoverOptions): Promise<DiscoverResult> {
    const { namespace, after, limit, formats } = options

    const from = after ?? 0
    const registrations = this.run(() => this.discoverTransaction(namespace, from, this.clock(), limit, formats))

    return {
      registrations,
      position: registrations.length > 0 ? registrations[registrations.length - 1].position : from
    }
  }

  protected async sampleChecked (namespace: string, limit: number, options?: SampleOptions): Promise<Registration[]> {
    const formats = options?.formats
    const rows = this.run(() => formats === undefined
      ? this.statements.sample.all({ namespace, now: this.clock(), limit })
      : this.statements.sampleFormats.all({ namespace, formats: JSON.stringify(distinct(formats)), now: this.clock(), limit })) as SampleRow[]

    return rows.map(sampled)
  }

  protected async expireChecked (): Promise<number> {
    const deleted = this.run(() => this.statements.expire.run(this.clock()).changes)
    this.rows -= deleted

    return deleted
  }

  protected async countChecked (): Promise<number> {
    return this.rows - (this.run(() => this.statements.countExpired.get(this.clock())) as number)
  }

  async close (): Promise<void> {
    const db = this.db
    this.db = undefined
    db?.close()
  }
}

type Statements = Record<keyof typeof QUERIES, Database.Statement>

/**
 * A page of the listed formats: the first `limit` of each format, each read along its own index range in
 * position order, merged. The first `limit` of the merge are the first `limit` of all of them, so nothing
 * is skipped, and rows of other formats are never read: O(formats × limit) however they interleave. In a
 * namespace each format's page is one range of the primary key (namespace, format, position). Without a
 * filter, the formats are every one present, which is how the order of a namespace, or of all, is read.
 */
function discoverFormats (s: Statements, namespace: string | undefined, after: number, now: number, limit: number, formats: readonly string[]): Registration[] {
  const wanted = distinct(formats)
  const registrations: Registration[] = []

  for (const format of wanted) {
    const rows = (namespace === undefined
      ? s.discoverFormat.all(format, after, now, limit)
      : s.discoverNamespaceFormat.all(namespace, format, after, now, limit)) as PageRow[]

    if (rows.length === 0) {
      continue
    }

    const envelopes = (namespace === undefined
      ? s.discoverFormatEnvelopes.get(format, after, now, limit)
      : s.discoverNamespaceFormatEnvelopes.get(namespace, format, after, now, limit)) as Buffer

    registrations.push(...toRegistrations(rows, envelopes))
  }

  if (wanted.length > 1) {
    registrations.sort((a, b) => a.position - b.position)
    registrations.length = Math.min(registrations.length, limit)
  }

  return registrations
}

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
