import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { CorruptStoreError, IncompatibleSchemaError } from '@rendezvous/store'
import Database from 'better-sqlite3'
import { CACHE_KIB, MMAP_BYTES, NEW_DATABASE_PAGE_BYTES, WAL_AUTOCHECKPOINT_PAGES } from './constants.ts'
import { StoreLockedError } from './errors.ts'
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts'
import type { Synchronous } from './constants.ts'

const SQLITE_HEADER = 'SQLite format 3\u0000'
const HEADER_BYTES = 100

/** SQLite result codes that mean the file is not a sound database */
const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB'])

/**
 * Reads the file header before SQLite sees the file: SQLite would turn an empty-looking or foreign
 * file into a database on its first write, and this check must not change a byte.
 */
function checkHeader (path: string): void {
  let size: number

  try {
    size = statSync(path).size
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      return
    }

    throw err
  }

  if (size === 0) {
    return
  }

  if (size < HEADER_BYTES) {
    throw new CorruptStoreError(path, `the file is ${size} bytes, shorter than a SQLite header`)
  }

  const header = Buffer.alloc(SQLITE_HEADER.length)
  const fd = openSync(path, 'r')

  try {
    readSync(fd, header, 0, header.length, 0)
  } finally {
    closeSync(fd)
  }

  if (header.toString('latin1') !== SQLITE_HEADER) {
    throw new CorruptStoreError(path, 'the file is not a SQLite database (its header is wrong)')
  }
}

/** Turns SQLite's corruption codes into a {@link CorruptStoreError} naming the file */
export function wrapCorruption (path: string, err: any): Error {
  if (typeof err?.code === 'string' && CORRUPTION_CODES.has(err.code)) {
    return new CorruptStoreError(path, `${err.code}: ${err.message}`, { cause: err })
  }

  return err
}

/** Errors of the open: corruption as everywhere, and a file another connection holds as {@link StoreLockedError} */
function wrapOpenError (path: string, err: any): Error {
  if (typeof err?.code === 'string' && err.code.startsWith('SQLITE_BUSY')) {
    return new StoreLockedError(path, 'the database is open in another store (another process, or another connection of this one)', { cause: err })
  }

  return wrapCorruption(path, err)
}

/** The schema version recorded in the file, 0 for a new empty database */
function readSchemaVersion (path: string, db: Database.Database): number {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]

  if (tables.length === 0) {
    return 0
  }

  if (!tables.includes('schema_version')) {
    throw new IncompatibleSchemaError(path, 'the database has no schema_version table, so it is not a registration store', { supported: SCHEMA_VERSION })
  }

  const versions = db.prepare('SELECT version FROM schema_version').pluck().all() as unknown[]

  if (versions.length !== 1 || typeof versions[0] !== 'number' || !Number.isSafeInteger(versions[0])) {
    throw new CorruptStoreError(path, `the schema_version table should hold one integer, it holds ${JSON.stringify(versions)}`)
  }

  return versions[0]
}

function migrate (db: Database.Database, from: number): void {
  if (from === 0) {
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)')
    db.exec('INSERT INTO schema_version (version) VALUES (0)')
  }

  for (const migration of MIGRATIONS) {
    if (migration.version > from) {
      db.exec(migration.sql)
      db.prepare('UPDATE schema_version SET version = ?').run(migration.version)
    }
  }
}

/**
 * Opens (or creates) the database at `path` and brings its schema up to date. The file is only written
 * after it has been checked to be a SQLite database holding a schema this code knows; any failure before
 * that leaves it byte for byte as it was.
 */
export function openDatabase (path: string, synchronous: Synchronous): Database.Database {
  checkHeader(path)

  let db: Database.Database

  try {
    db = new Database(path)
  } catch (err: any) {
    throw wrapCorruption(path, err)
  }

  try {
    const found = readSchemaVersion(path, db)

    if (found > SCHEMA_VERSION) {
      throw new IncompatibleSchemaError(path, `the database is at schema version ${found}, newer than version ${SCHEMA_VERSION} that this version of @rendezvous/store-sqlite knows`, { found, supported: SCHEMA_VERSION })
    }

    // discover concatenates envelopes through TEXT, which is byte-exact only in a UTF-8 database
    const encoding = db.pragma('encoding', { simple: true })

    if (encoding !== 'UTF-8') {
      throw new IncompatibleSchemaError(path, `the database text encoding is ${String(encoding)}, not UTF-8`, { found, supported: SCHEMA_VERSION })
    }

    if (found === 0) {
      // only takes effect while the file has no pages yet; an existing file keeps the page size it has
      db.pragma(`page_size = ${NEW_DATABASE_PAGE_BYTES}`)
    }

    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${synchronous}`)
    db.pragma(`cache_size = -${CACHE_KIB}`)
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`)
    db.pragma(`mmap_size = ${MMAP_BYTES}`)

    // IMMEDIATE takes the write lock before reading the version again, so two processes opening an
    // old database at once cannot both run the same migration
    db.transaction(() => {
      const current = readSchemaVersion(path, db)

      if (current > SCHEMA_VERSION) {
        throw new IncompatibleSchemaError(path, `the database is at schema version ${current}, newer than version ${SCHEMA_VERSION}`, { found: current, supported: SCHEMA_VERSION })
      }

      if (current < SCHEMA_VERSION) {
        migrate(db, current)
      }
    }).immediate()

    // The store keeps its row count and its next position in memory, which is only right while no other
    // connection writes the file. EXCLUSIVE holds the lock from the next write until close (that write is
    // right here), and spares every transaction its shared-memory locks. Set after the first transaction,
    // so the WAL index is in the -shm file as in NORMAL mode rather than in this process's heap.
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN IMMEDIATE; COMMIT')
  } catch (err: any) {
    db.close()
    throw wrapOpenError(path, err)
  }

  return db
}
