/**
 * @packageDocumentation
 *
 * A persistent {@link RegistrationStore} for rendezvous points in a LevelDB directory, on classic-level:
 * a primary keyspace of records plus order, per-namespace order, expiry and per-peer indexes, every
 * change one atomic batch, the position counter persisted with it.
 *
 * @example
 *
 * ```ts
 * import { levelStore } from '@rendezvous/store-level'
 *
 * const store = await levelStore({ path: './registrations' })
 * await store.upsert({ namespace: 'chat', peerId: '12D3KooW…', signedPeerRecord, ttl: 7200, registeredAt: Date.now(), expiresAt: Date.now() + 7_200_000 })
 * const { registrations, position } = await store.discover({ namespace: 'chat', limit: 100 })
 * await store.close()
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
import { validateClock, validateLocation } from '@rendezvous/store'
import { openDatabase } from './database.ts'
import { LevelRegistrationStore } from './level-store.ts'
import type { Clock, RegistrationStore } from '@rendezvous/store'

export { SCHEMA_VERSION } from './constants.ts'

/** How to open a LevelDB registration store */
export interface LevelStoreInit {
  /** The database directory; created if it does not exist */
  path: string

  /** Where "now" comes from, in ms since the epoch (default `Date.now`) */
  clock?: Clock
}

/**
 * Opens (creating if needed) the LevelDB registration store at `init.path`.
 *
 * It is async because opening LevelDB is, and because it reads the schema version and the persisted
 * position counter before handing out the store. A damaged or foreign directory rejects with
 * {@link CorruptStoreError}, one from a newer schema with {@link IncompatibleSchemaError}; neither is
 * written to.
 */
export async function levelStore (init: LevelStoreInit): Promise<RegistrationStore> {
  validateLocation(init?.path, 'The path of the LevelDB store')
  validateClock(init.clock)

  const { db, state, formats } = await openDatabase(init.path)
  return new LevelRegistrationStore(init.path, db, state, formats, init.clock ?? Date.now)
}
