/**
 * @packageDocumentation
 *
 * A {@link RegistrationStore} for rendezvous points on PostgreSQL, through a node-postgres (`pg`) pool. Several
 * points (processes, machines) can share one database: positions come from a database sequence, counts and
 * limits from the database, and every write is one call of a function of the store's schema that holds the
 * store's advisory lock until it commits, so limits hold exactly and positions become visible in order
 * across the whole fleet. The schema is versioned and migrated at open; a schema written by a newer version
 * is refused untouched.
 *
 * @example
 *
 * ```ts
 * import { postgresStore } from '@rendezvous/store-postgres'
 *
 * const store = await postgresStore({ url: 'postgres://rendezvous@db.internal/rendezvous' })
 * const now = Date.now()
 * await store.upsert({ namespace: 'chat', peerId: '12D3KooW…', signedPeerRecord, format: 'standard', ttl: 7200, registeredAt: now, expiresAt: now + 7_200_000 })
 * const { registrations, position } = await store.discover({ namespace: 'chat', limit: 100 })
 * const cookieSecret = await store.getOrCreateSecret('cookie-secret', 32) // the same at every point
 * await store.close()
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
import { InvalidArgumentError, validateClock, validateLocation } from '@rendezvous/store'
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_POOL_SIZE, DEFAULT_QUERY_TIMEOUT_MS, DEFAULT_SCHEMA, SCHEMA_NAME_PATTERN } from './constants.ts'
import { createPool, describeLocation, lockKey, migrate } from './database.ts'
import { PostgresStore } from './postgres-store.ts'
import type { PostgresRegistrationStore } from './postgres-store.ts'
import type { Clock } from '@rendezvous/store'

export type { PostgresRegistrationStore, PostgresRegistrationStoreExtras } from './postgres-store.ts'
export { SCHEMA_VERSION } from './schema.ts'
export { StoreUnavailableError, SecretLengthError } from './errors.ts'
export { DEFAULT_SCHEMA, DEFAULT_POOL_SIZE } from './constants.ts'

/** How to open a PostgreSQL registration store */
export interface PostgresStoreInit {
  /** A connection URL, `postgres://user:password@host:port/database` (anything node-postgres accepts as `connectionString`) */
  url: string

  /**
   * The PostgreSQL schema to keep the tables in, created with them if missing (default `rendezvous`). Points
   * of one fleet use the same one; separate stores in one database use separate ones. Lower-case letters,
   * digits and `_`, not starting with a digit, at most 63 characters.
   */
  schema?: string

  /** Connections in the pool (default 10) */
  poolSize?: number

  /** How long an operation waits for a connection before rejecting with `StoreUnavailableError`, in ms (default 5000) */
  connectTimeoutMs?: number

  /**
   * How long an operation waits for the database's answer before rejecting with `StoreUnavailableError`, in
   * ms (default 30000); its connection is then dropped. An upsert that timed out may still commit.
   */
  queryTimeoutMs?: number

  /** Where "now" comes from, in ms since the epoch (default `Date.now`). The points of a fleet need clocks in step */
  clock?: Clock
}

/** The option `name` of `init`, or `fallback` when it is not given; anything but a positive safe integer is refused */
function positiveInteger (init: PostgresStoreInit, name: 'poolSize' | 'connectTimeoutMs' | 'queryTimeoutMs', fallback: number): number {
  const value = init[name] ?? fallback

  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${String(value)}`)
  }

  return value
}

/**
 * Connects to the database and opens (creating or migrating if needed) the registration store in its schema.
 *
 * Rejects with `StoreUnavailableError` if the database cannot be reached, and with `IncompatibleSchemaError`
 * (from `@rendezvous/store`) if the schema was written by a newer version of this package or holds tables
 * that are not a registration store; in that case nothing in the database was changed.
 */
export async function postgresStore (init: PostgresStoreInit): Promise<PostgresRegistrationStore> {
  validateLocation(init?.url, 'The url of the PostgreSQL store')

  const schema = init.schema ?? DEFAULT_SCHEMA

  if (typeof schema !== 'string' || !SCHEMA_NAME_PATTERN.test(schema)) {
    throw new InvalidArgumentError(`The schema must be 1 to 63 characters of [a-z0-9_], not starting with a digit, got ${JSON.stringify(schema)}`)
  }

  const poolSize = positiveInteger(init, 'poolSize', DEFAULT_POOL_SIZE)
  const connectTimeoutMs = positiveInteger(init, 'connectTimeoutMs', DEFAULT_CONNECT_TIMEOUT_MS)
  const queryTimeoutMs = positiveInteger(init, 'queryTimeoutMs', DEFAULT_QUERY_TIMEOUT_MS)
  validateClock(init.clock)

  const context = { schema, lockKey: lockKey(schema) }
  const pool = createPool({ url: init.url, max: poolSize, connectTimeoutMs, queryTimeoutMs })
  const location = describeLocation(init.url, schema)

  try {
    await migrate(pool, context, location)
  } catch (err) {
    await pool.end().catch(() => {})
    throw err
  }

  return new PostgresStore(pool, context, init.clock ?? Date.now, location)
}
