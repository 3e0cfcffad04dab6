import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { createOrAdopt, readOptionalFile } from './atomic-file.ts'
import { COOKIE_SECRET_BYTES, COOKIE_SECRET_FILE } from './constants.ts'
import { KeyFileError } from './errors.ts'

const WHAT = 'cookie secret'

/** The key that authenticates `/rendezvous/1.0.0` cookies, and whether it still has to be written */
export interface CookieSecret {
  secret: Uint8Array
  /** The file that keeps it, or `undefined` when it must not outlive the process */
  path?: string
  generated: boolean
}

/**
 * Read the cookie secret from the data directory, or generate one in memory. Writes nothing.
 *
 * With a persistent store the secret is kept beside it, so a cookie handed out before a restart is still
 * accepted after it. With the memory store it is never persisted: the store's positions start again
 * after a restart, and an old cookie would then point past registrations made since; a fresh secret makes
 * such cookies fail with E_INVALID_COOKIE instead of silently skipping peers.
 */
export async function loadCookieSecret (dataDir: string, persistent: boolean): Promise<CookieSecret> {
  if (!persistent) {
    return { secret: randomBytes(COOKIE_SECRET_BYTES), generated: true }
  }
  const path = join(dataDir, COOKIE_SECRET_FILE)
  const existing = await readSecret(path)
  if (existing != null) {
    return { secret: existing, path, generated: false }
  }
  return { secret: randomBytes(COOKIE_SECRET_BYTES), path, generated: true }
}

/**
 * Write a generated, persistent secret (mode 0600, atomically). If another process wrote one meanwhile,
 * that one is returned instead. Returns whether this call created the file.
 */
export async function persistCookieSecret (cookie: CookieSecret): Promise<{ cookie: CookieSecret, created: boolean }> {
  if (!cookie.generated || cookie.path == null) {
    return { cookie, created: false }
  }
  const outcome = await createOrAdopt(cookie.path, cookie.secret, WHAT, readSecret)
  if (outcome.created) {
    return { cookie: { ...cookie, generated: false }, created: true }
  }
  return { cookie: { secret: outcome.winner, path: cookie.path, generated: false }, created: false }
}

async function readSecret (path: string): Promise<Uint8Array | undefined> {
  const bytes = await readOptionalFile(path, WHAT)
  if (bytes != null && bytes.byteLength !== COOKIE_SECRET_BYTES) {
    throw new KeyFileError(`cookie secret ${path} has ${bytes.byteLength} bytes, not ${COOKIE_SECRET_BYTES}; move it away to create a new one (cookies handed out so far will stop working)`)
  }
  return bytes
}
