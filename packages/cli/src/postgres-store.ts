import { postgresStore } from '@rendezvous/store-postgres'
import { COOKIE_SECRET_BYTES, COOKIE_SECRET_FILE, DATABASE_POOL_SIZE } from './constants.ts'
import { InvalidFlagError, StoreOpenError } from './errors.ts'
import { ExpiryLeader, withExpiryLeader } from './expiry-leader.ts'
import type { FlagSpec } from './config.ts'
import type { OutputStreams } from './output.ts'
import type { PostgresRegistrationStore } from '@rendezvous/store-postgres'

/** The flag of the PostgreSQL store, in the order help text lists it */
export const DATABASE_FLAGS: readonly FlagSpec[] = [
  { name: 'database-url', env: 'RENDEZVOUS_DATABASE_URL', type: 'string', value: '<postgres://...>', description: 'the PostgreSQL database of --store postgres, shared by every point of a fleet (docs/fleet.md); prefer the environment variable, which ps does not show', defaultText: 'none' }
]

/** What {@link readDatabaseUrl} needs of the daemon's flag reader */
export interface DatabaseFlagReader {
  one(name: string): { value: string, where: string } | undefined
}

/**
 * The database URL for `--store postgres`, or `undefined` for the other stores. Error messages name the
 * flag or variable, never the value: it may hold a password.
 *
 * @throws {InvalidFlagError} when postgres has no URL, the URL is not `postgres://` or `postgresql://`, or a
 * URL is given for another store
 */
export function readDatabaseUrl (reader: DatabaseFlagReader, store: string): string | undefined {
  const given = reader.one('database-url')
  if (store !== 'postgres') {
    if (given != null) {
      throw new InvalidFlagError(`${given.where} is only for --store postgres (the store is ${store})`)
    }
    return undefined
  }
  if (given == null) {
    throw new InvalidFlagError('--store postgres needs --database-url postgres://<user>:<password>@<host>:<port>/<database> (or RENDEZVOUS_DATABASE_URL)')
  }
  const url = given.value.trim()
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidFlagError(`${given.where} is not a URL; use postgres://<user>:<password>@<host>:<port>/<database>`)
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidFlagError(`${given.where} must start with postgres:// or postgresql://, not ${parsed.protocol}//`)
  }
  if (parsed.hostname === '') {
    throw new InvalidFlagError(`${given.where} names no host; use postgres://<user>:<password>@<host>:<port>/<database>`)
  }
  return url
}

/** The URL as it may be shown: its password replaced by `***` */
export function maskDatabaseUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') {
      parsed.password = '***'
    }
    return parsed.toString()
  } catch {
    return 'postgres (unparsable URL)'
  }
}

/** The password of a database URL, raw and percent-decoded, to strip from anything written out */
export function databaseSecrets (url: string | undefined): string[] {
  if (url == null) {
    return []
  }
  try {
    const { password } = new URL(url)
    if (password === '') {
      return []
    }
    const decoded = (() => { try { return decodeURIComponent(password) } catch { return password } })()
    return [...new Set([password, decoded])].filter(s => s.length > 0)
  } catch {
    return []
  }
}

/** Replace every occurrence of the secrets in a text with `***` */
export function redact (text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    out = out.split(secret).join('***')
  }
  return out
}

/** `streams` that write everything with the password of `databaseUrl` replaced by `***` (`streams` itself when there is none) */
export function redactingStreams (streams: OutputStreams, databaseUrl: string | undefined): OutputStreams {
  const secrets = databaseSecrets(databaseUrl)
  if (secrets.length === 0) {
    return streams
  }
  return {
    stdout: { write: (text: string) => streams.stdout.write(redact(text, secrets)) },
    stderr: { write: (text: string) => streams.stderr.write(redact(text, secrets)) }
  }
}

/** The PostgreSQL store, opened for the daemon */
export interface OpenedPostgresStore {
  store: PostgresRegistrationStore
  /** The URL without its password */
  location: string
}

/**
 * Open the PostgreSQL store for the daemon, with expiry on one point of the fleet at a time
 * ({@link ExpiryLeader}). Throws {@link StoreOpenError} whose message carries no password.
 */
export async function openPostgresStore (url: string): Promise<OpenedPostgresStore> {
  const secrets = databaseSecrets(url)
  let store: PostgresRegistrationStore
  try {
    store = await postgresStore({ url, poolSize: DATABASE_POOL_SIZE })
  } catch (err: any) {
    const detail = redact(String(err?.cause?.message ?? err?.message ?? err).replace(/\s*\n\s*/g, ' '), secrets)
    throw new StoreOpenError(`postgres store ${maskDatabaseUrl(url)} cannot be opened: ${detail}`)
  }
  const leader = new ExpiryLeader(url)
  // try at once, so a fleet has its expiring point from the start (and an operator can see which in pg_locks)
  await leader.hold()
  return { store: withExpiryLeader(store, leader), location: maskDatabaseUrl(url) }
}

/**
 * The cookie secret of the fleet: kept in the database, created by the first point to ask for it, so a
 * cookie handed out by one point continues at every other with no configuration
 */
export async function fleetCookieSecret (store: PostgresRegistrationStore): Promise<Uint8Array> {
  return store.getOrCreateSecret(COOKIE_SECRET_FILE, COOKIE_SECRET_BYTES)
}
