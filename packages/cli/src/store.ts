import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { levelStore } from '@rendezvous/store-level'
import { memoryStore } from '@rendezvous/store-memory'
import { sqliteStore } from '@rendezvous/store-sqlite'
import { LEVEL_DIR, SQLITE_FILE } from './constants.ts'
import { StoreOpenError } from './errors.ts'
import { fleetCookieSecret, openPostgresStore } from './postgres-store.ts'
import type { StoreKind } from './config.ts'
import type { RegistrationStore } from '@rendezvous/store'

/** An opened store, and the files it lives in */
export interface OpenedStore {
  store: RegistrationStore
  /** The database file or directory, `undefined` for the memory store */
  path?: string
  /** Every file or directory the store may have created, for removal if the start fails */
  createdPaths: string[]
  /** The cookie secret kept in the store (postgres: one for the whole fleet), which replaces the data directory's */
  cookieSecret?: Uint8Array
}

/** Where a store of this kind keeps its data inside the data directory */
export function storePath (kind: StoreKind, dataDir: string): string | undefined {
  if (kind === 'sqlite') {
    return join(dataDir, SQLITE_FILE)
  }
  if (kind === 'level') {
    return join(dataDir, LEVEL_DIR)
  }
  return undefined
}

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/**
 * Open the registration store the configuration names: SQLite in `<data-dir>/registrations.sqlite`,
 * LevelDB in `<data-dir>/registrations.leveldb/`, or memory. Throws {@link StoreOpenError} with the
 * store's own reason (corrupt, newer schema, locked by another process).
 */
export async function openStore (kind: StoreKind, dataDir: string, databaseUrl?: string): Promise<OpenedStore> {
  if (kind === 'postgres') {
    if (databaseUrl == null) {
      throw new StoreOpenError('postgres store: no database URL (--database-url)')
    }
    const { store, location } = await openPostgresStore(databaseUrl)
    try {
      return { store, path: location, createdPaths: [], cookieSecret: await fleetCookieSecret(store) }
    } catch (err: any) {
      await store.close().catch(() => {})
      throw new StoreOpenError(`postgres store ${location}: cannot read the fleet's cookie secret: ${String(err?.name ?? 'Error')}`)
    }
  }
  const path = storePath(kind, dataDir)
  if (path == null) {
    return { store: memoryStore(), createdPaths: [] }
  }
  const sidecars = kind === 'sqlite' ? [path, `${path}-wal`, `${path}-shm`, `${path}-journal`] : [path]
  const createdPaths: string[] = []
  for (const p of sidecars) {
    if (!(await exists(p))) {
      createdPaths.push(p)
    }
  }
  try {
    const store = kind === 'sqlite' ? await sqliteStore({ path }) : await levelStore({ path })
    return { store, path, createdPaths }
  } catch (err: any) {
    const detail = String(err?.cause?.message ?? err?.message ?? err).replace(/\s*\n\s*/g, ' ')
    throw new StoreOpenError(`${kind} store ${path} cannot be opened: ${detail}`, { cause: err })
  }
}
