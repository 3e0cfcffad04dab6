/**
 * @packageDocumentation
 *
 * A persistent {@link RegistrationStore} for rendezvous points in one SQLite file, on better-sqlite3:
 * WAL journal, prepared statements, indexes for discover, sample, expiry and per-peer counts, and a
 * versioned schema migrated at open.
 *
 * @example
 *
 * ```ts
 * import { sqliteStore } from '@rendezvous/store-sqlite'
 *
 * const store = await sqliteStore({ path: './registrations.sqlite' })
 * await store.upsert({ namespace: 'chat', peerId: '12D3KooW…', signedPeerRecord, ttl: 7200, registeredAt: Date.now(), expiresAt: Date.now() + 7_200_000 })
 * const { registrations, position } = await store.discover({ namespace: 'chat', limit: 100 })
 * await store.close()
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
import { InvalidArgumentError, validateClock, validateLocation } from '@rendezvous/store'
import { DEFAULT_SYNCHRONOUS } from './constants.ts'
import { SqliteRegistrationStore } from './sqlite-store.ts'
import type { Synchronous } from './constants.ts'
import type { Clock, RegistrationStore } from '@rendezvous/store'

export type { Synchronous } from './constants.ts'
export { SCHEMA_VERSION } from './schema.ts'
export { StoreLockedError } from './errors.ts'

/** How to open a SQLite registration store */
export interface SqliteStoreInit {
  /** The database file; created with its schema if it does not exist */
  path: string

  /** Where "now" comes from, in ms since the epoch (default `Date.now`) */
  clock?: Clock

  /**
   * `NORMAL` (default): an upsert that resolved survives a crash of the process, the last ones may be
   * lost if the OS crashes or power fails. `FULL`: survives both, with an fsync per upsert.
   */
  synchronous?: Synchronous
}

/**
 * Opens (creating if needed) the SQLite registration store at `init.path`.
 *
 * It is async, like the other persistent stores, because opening reads and checks what is on disk: a file
 * that is not a SQLite database rejects with {@link CorruptStoreError}, one written by a newer schema with
 * {@link IncompatibleSchemaError}, and in both cases the file is left untouched. A file another store has
 * open (in this process or another) rejects with {@link StoreLockedError} after waiting up to 5 s for it.
 */
export async function sqliteStore (init: SqliteStoreInit): Promise<RegistrationStore> {
  validateLocation(init?.path, 'The path of the SQLite store')

  const synchronous = init.synchronous ?? DEFAULT_SYNCHRONOUS

  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new InvalidArgumentError(`synchronous must be 'NORMAL' or 'FULL', got ${String(synchronous)}`)
  }

  validateClock(init.clock)

  return new SqliteRegistrationStore(init.path, init.clock ?? Date.now, synchronous)
}
