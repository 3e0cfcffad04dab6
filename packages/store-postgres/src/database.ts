import { IncompatibleSchemaError } from '@rendezvous/store'
import pg from 'pg'
import { LOCK_CLASS, MIGRATION_LOCK } from './constants.ts'
import { StoreUnavailableError } from './errors.ts'
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts'
import type { SchemaContext } from './schema.ts'

/** PostgreSQL's type OID of int8 (bigint): positions, times and counts */
const INT8_OID = 20

/**
 * Positions, times and counts are bigint in the database and safe integers in the interface: read them as
 * numbers (node-postgres reads int8 as a string by default, as it cannot know they fit).
 */
const types = {
  getTypeParser: ((oid: number, format?: any) => oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser
}

/** SQLSTATE codes that mean the server is gone, going or not there yet, rather than that the statement was wrong */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300'])

/** Errors of Node's sockets while reaching or talking to the server */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED'])

/** What node-postgres says when a connection ends under a query or cannot be had in time */
const UNAVAILABLE_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /not queryable/i, /connection (?:ended|closed)/i, /query read timeout/i]

/**
 * Turns the errors of a lost, refused or restarting database into {@link StoreUnavailableError}; anything
 * else (a bug, a permission problem) is passed on as it is.
 */
export function wrapDatabaseError (err: any): Error {
  if (err instanceof StoreUnavailableError) {
    return err
  }

  const code: unknown = err?.code
  const unavailable = (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code))) ||
    (err?.errors != null && Array.isArray(err.errors) && err.errors.some((inner: any) => UNAVAILABLE_SOCKET_CODES.has(inner?.code))) ||
    UNAVAILABLE_MESSAGES.some(pattern => pattern.test(String(err?.message)))

  if (unavailable) {
    return new StoreUnavailableError(`The database is unavailable: ${String(err?.message ?? err)}`, { cause: err })
  }

  return err
}

export interface PoolOptions {
  url: string
  max: number
  connectTimeoutMs: number
  queryTimeoutMs: number
}

export function createPool (options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // a query that times out rejects, and the pool drops its connection (pool.query releases it with the error)
    query_timeout: options.queryTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'rendezvous',
    types
  })

  // An idle connection whose server went away emits 'error' on the pool, which throws if nobody listens.
  // The pool has already discarded that connection and opens a new one for the next operation; operations
  // in flight reject by themselves, with StoreUnavailableError.
  pool.on('error', () => {})

  return pool
}

/** Where the store lives, for error messages: the URL without its password, and the schema */
export function describeLocation (url: string, schema: string): string {
  let shown = url

  try {
    const parsed = new URL(url)
    if (parsed.password !== '') {
      parsed.password = '***'
    }
    shown = parsed.toString()
  } catch {
    // not a URL (a libpq key=value string): say nothing about it that could carry a password
    shown = 'postgres'
  }

  return `${shown} (schema ${schema})`
}

/**
 * Brings the schema up to date in one transaction, under an advisory lock so that points starting at once
 * migrate one after the other. A schema at a newer version, or one holding tables but no schema_version, is
 * refused with {@link IncompatibleSchemaError} before anything is written; the transaction is rolled back,
 * so it is left as it was.
 */
export async function migrate (pool: pg.Pool, context: SchemaContext, location: string): Promise<void> {
  let client: pg.PoolClient

  try {
    client = await pool.connect()
  } catch (err) {
    throw wrapDatabaseError(err)
  }

  let failed: unknown

  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK])

    const found = await schemaVersion(client, context.schema, location)

    if (found > SCHEMA_VERSION) {
      throw new IncompatibleSchemaError(location, `the schema is at version ${found}, newer than version ${SCHEMA_VERSION} that this version of @rendezvous/store-postgres knows`, { found, supported: SCHEMA_VERSION })
    }

    if (found === 0) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${context.schema}`)
    }

    for (const migration of MIGRATIONS) {
      if (migration.version > found) {
        await client.query(migration.sql(context))
        await client.query(`UPDATE ${context.schema}.schema_version SET version = $1`, [migration.version])
      }
    }

    await client.query('COMMIT')
  } catch (err) {
    failed = err
    await client.query('ROLLBACK').catch(() => {})
    throw err instanceof IncompatibleSchemaError ? err : wrapDatabaseError(err)
  } finally {
    client.release(failed != null && !(failed instanceof IncompatibleSchemaError) ? failed as Error : undefined)
  }
}

/** The version recorded in the schema: 0 when there is no schema or an empty one */
async function schemaVersion (client: pg.PoolClient, schema: string, location: string): Promise<number> {
  const tables = await client.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema])
  const names = tables.rows.map(row => row.table_name)

  if (names.length === 0) {
    return 0
  }

  if (!names.includes('schema_version')) {
    throw new IncompatibleSchemaError(location, `the schema holds tables (${names.slice(0, 5).join(', ')}) but no schema_version table, so it is not a registration store`, { supported: SCHEMA_VERSION })
  }

  const versions = await client.query<{ version: unknown }>(`SELECT version FROM ${schema}.schema_version`)

  if (versions.rows.length !== 1 || typeof versions.rows[0].version !== 'number' || !Number.isSafeInteger(versions.rows[0].version)) {
    throw new IncompatibleSchemaError(location, `the schema_version table should hold one integer, it holds ${JSON.stringify(versions.rows.map(row => row.version))}`, { supported: SCHEMA_VERSION })
  }

  return versions.rows[0].version
}

/** A stable 32-bit key for a schema's write lock (FNV-1a of its name, as a signed int4) */
export function lockKey (schema: string): number {
  let hash = 0x811c9dc5

  for (let i = 0; i < schema.length; i++) {
    hash ^= schema.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }

  return hash | 0
}
