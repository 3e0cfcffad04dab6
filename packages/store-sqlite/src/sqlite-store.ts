import { StoreClosedError, validateCountByPeer, validateDiscoverOptions, validateLimit, validateNamespace, validateNewRegistration, validatePeerId } from '@rendezvous/store'
import { openDatabase, wrapCorruption } from './database.ts'
import { QUERIES } from './queries.ts'
import type { Synchronous } from './constants.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore } from '@rendezvous/store'
import type Database from 'better-sqlite3'

interface Row {
  position: number
  namespace: string
  peer_id: string
  signed_peer_record: Buffer
  ttl: number
  registered_at: number
  expires_at: number
}

function toRegistration (row: Row): Registration {
  const bytes = row.signed_peer_record

  return {
    namespace: row.namespace,
    peerId: row.peer_id,
    // better-sqlite3 hands out a fresh Buffer per blob; view it as a plain Uint8Array so callers get the
    // same type they stored
    signedPeerRecord: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    ttl: row.ttl,
    registeredAt: row.registered_at,
    expiresAt: row.expires_at,
    position: row.position
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
  private readonly upsertTransaction: (registration: NewRegistration) => number
  private readonly removePeerTransaction: (peerId: string, now: number) => number

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

    this.upsertTransaction = db.transaction((r: NewRegistration): number => {
      s.removeKey.run(r.peerId, r.namespace)
      return s.insert.get(r.namespace, r.peerId, r.signedPeerRecord, r.ttl, r.registeredAt, r.expiresAt) as number
    })

    this.removePeerTransaction = db.transaction((peerId: string, now: number): number => {
      const expiries = s.removePeer.all(peerId) as number[]
      return expiries.filter(expiresAt => expiresAt > now).length
    })
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

    const position = this.run(() => this.upsertTransaction(registration))

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

    return expiresAt !== undefined && expiresAt > this.clock()
  }

  async removePeer (peerId: string): Promise<number> {
    validatePeerId(peerId)
    return this.run(() => this.removePeerTransaction(peerId, this.clock()))
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
    const rows = this.run(() => namespace === undefined
      ? this.statements.discoverAll.all(from, this.clock(), limit)
      : this.statements.discoverNamespace.all(namespace, from, this.clock(), limit)) as Row[]

    return {
      registrations: rows.map(toRegistration),
      position: rows.length > 0 ? rows[rows.length - 1].position : from
    }
  }

  async sample (namespace: string, limit: number): Promise<Registration[]> {
    validateNamespace(namespace)
    validateLimit(limit)

    if (limit === 0) {
      return []
    }

    const rows = this.run(() => this.statements.sample.all(namespace, this.clock(), limit)) as Row[]

    return rows.map(toRegistration)
  }

  async expire (): Promise<number> {
    return this.run(() => this.statements.expire.run(this.clock()).changes)
  }

  async count (): Promise<number> {
    return this.run(() => this.statements.count.get(this.clock())) as number
  }

  async close (): Promise<void> {
    const db = this.db
    this.db = undefined
    db?.close()
  }
}

type Statements = Record<keyof typeof QUERIES, Database.Statement>

function prepare (db: Database.Database): Statements {
  return {
    insert: db.prepare(QUERIES.insert).pluck(),
    removeKey: db.prepare(QUERIES.removeKey).pluck(),
    removePeer: db.prepare(QUERIES.removePeer).pluck(),
    countByPeer: db.prepare(QUERIES.countByPeer).pluck(),
    discoverAll: db.prepare(QUERIES.discoverAll),
    discoverNamespace: db.prepare(QUERIES.discoverNamespace),
    sample: db.prepare(QUERIES.sample),
    expire: db.prepare(QUERIES.expire),
    count: db.prepare(QUERIES.count).pluck()
  }
}
