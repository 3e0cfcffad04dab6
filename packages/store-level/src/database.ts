import { open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CorruptStoreError, IncompatibleSchemaError } from '@rendezvous/store'
import { ClassicLevel } from 'classic-level'
import { SCHEMA_FILE, SCHEMA_VERSION } from './constants.ts'
import { TABLE_FOOTER_BYTES, logProblem, tableFooterProblem } from './file-check.ts'
import { KEY_SCHEMA_VERSION, KEY_STATE, PREFIX_FORMAT_ORDER, formatPrefix, prefixUpperBound } from './keys.ts'
import { migrateToVersion2 } from './migration.ts'

export type Level = ClassicLevel<Buffer, Buffer>

/** What the meta keys hold: the next position's predecessor and how many records are stored */
export interface StoreState {
  counter: number
  stored: number
}

export function encodeState (state: StoreState): Buffer {
  const value = Buffer.allocUnsafe(16)
  value.writeDoubleBE(state.counter, 0)
  value.writeDoubleBE(state.stored, 8)
  return value
}

export function encodeVersion (version: number): Buffer {
  const value = Buffer.allocUnsafe(4)
  value.writeUInt32BE(version, 0)
  return value
}

async function tableProblem (file: string): Promise<string | undefined> {
  const handle = await open(file, 'r')

  try {
    const { size } = await handle.stat()
    const footer = Buffer.alloc(Math.min(size, TABLE_FOOTER_BYTES))
    await handle.read(footer, 0, footer.byteLength, size - footer.byteLength)
    return tableFooterProblem(size, footer)
  } finally {
    await handle.close()
  }
}

/**
 * Checks what is at `path` without writing to it: nothing, an empty directory, or a LevelDB database
 * whose CURRENT file names an existing manifest and whose schema file (if any) is not newer than ours.
 */
async function preflight (path: string): Promise<void> {
  let entries: string[]

  try {
    if (!(await stat(path)).isDirectory()) {
      throw new CorruptStoreError(path, 'it is a file, not a LevelDB directory')
    }

    entries = await readdir(path)
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      return
    }

    throw err
  }

  if (entries.length === 0) {
    return
  }

  if (!entries.includes('CURRENT')) {
    throw new CorruptStoreError(path, 'the directory is not empty but holds no LevelDB database (it has no CURRENT file)')
  }

  const current = await readFile(join(path, 'CURRENT'), 'latin1')
  const manifest = /^(MANIFEST-\d+)\n$/.exec(current)?.[1]

  if (manifest === undefined) {
    throw new CorruptStoreError(join(path, 'CURRENT'), 'the file is damaged: it does not name a LevelDB manifest')
  }

  if (!entries.includes(manifest)) {
    throw new CorruptStoreError(join(path, manifest), 'the manifest named by CURRENT is missing')
  }

  // the manifest and the write-ahead logs are read before LevelDB would skip and delete what it cannot read
  for (const name of [manifest, ...entries.filter(name => /^\d+\.log$/.test(name))]) {
    const problem = logProblem(await readFile(join(path, name)))

    if (problem !== undefined) {
      throw new CorruptStoreError(join(path, name), `the file is damaged: ${problem}`)
    }
  }

  for (const name of entries.filter(name => /^\d+\.(ldb|sst)$/.test(name))) {
    const problem = await tableProblem(join(path, name))

    if (problem !== undefined) {
      throw new CorruptStoreError(join(path, name), `the file is damaged: ${problem}`)
    }
  }

  if (entries.includes(SCHEMA_FILE)) {
    const file = join(path, SCHEMA_FILE)
    const text = await readFile(file, 'latin1')
    const version = /^(\d+)\n$/.test(text) ? Number.parseInt(text, 10) : NaN

    if (!Number.isSafeInteger(version)) {
      throw new CorruptStoreError(file, 'the schema file is damaged: it should hold one version number')
    }

    if (version > SCHEMA_VERSION) {
      throw new IncompatibleSchemaError(path, `the database is at schema version ${version} (${SCHEMA_FILE}), newer than version ${SCHEMA_VERSION} that this version of @rendezvous/store-level knows`, { found: version, supported: SCHEMA_VERSION })
    }
  }
}

async function writeSchemaFile (path: string): Promise<void> {
  const file = join(path, SCHEMA_FILE)
  await writeFile(`${file}.tmp`, `${SCHEMA_VERSION}\n`)
  await rename(`${file}.tmp`, file)
}

/** LevelDB's corruption status, wherever classic-level put it, as a {@link CorruptStoreError} naming the directory */
export function asCorruption (path: string, err: any): Error {
  const corruption = [err, err?.cause].find(candidate => candidate?.code === 'LEVEL_CORRUPTION')

  if (corruption !== undefined) {
    return new CorruptStoreError(path, `LevelDB reports corruption: ${corruption.message}`, { cause: err })
  }

  return err
}

async function openLevel (path: string): Promise<Level> {
  const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })

  try {
    await db.open()
  } catch (err: any) {
    throw asCorruption(path, err)
  }

  return db
}

/** Reads the schema version and state, or writes them into a new empty database */
async function readState (path: string, db: Level): Promise<{ state: StoreState, version: number }> {
  const version = await db.get(KEY_SCHEMA_VERSION)

  if (version === undefined) {
    const [anyKey] = await db.keys({ limit: 1 }).all()

    if (anyKey !== undefined) {
      throw new IncompatibleSchemaError(path, 'the LevelDB database holds keys but no schema version, so it is not a registration store', { supported: SCHEMA_VERSION })
    }

    const state = { counter: 0, stored: 0 }
    await db.batch([
      { type: 'put', key: KEY_SCHEMA_VERSION, value: encodeVersion(SCHEMA_VERSION) },
      { type: 'put', key: KEY_STATE, value: encodeState(state) }
    ], { sync: true })
    return { state, version: SCHEMA_VERSION }
  }

  if (version.byteLength !== 4) {
    throw new CorruptStoreError(path, `the schema version key holds ${version.byteLength} bytes instead of 4`)
  }

  const found = version.readUInt32BE(0)

  if (found > SCHEMA_VERSION) {
    throw new IncompatibleSchemaError(path, `the database is at schema version ${found}, newer than version ${SCHEMA_VERSION} that this version of @rendezvous/store-level knows`, { found, supported: SCHEMA_VERSION })
  }

  if (found < 1) {
    throw new CorruptStoreError(path, `the schema version key holds ${found}, which no version of @rendezvous/store-level wrote`)
  }

  const state = await db.get(KEY_STATE)

  if (state?.byteLength !== 16) {
    throw new CorruptStoreError(path, 'the state key (position counter and record count) is missing or damaged')
  }

  const counter = state.readDoubleBE(0)
  const stored = state.readDoubleBE(8)

  if (!Number.isSafeInteger(counter) || counter < 0 || !Number.isSafeInteger(stored) || stored < 0) {
    throw new CorruptStoreError(path, `the state key holds an impossible counter ${counter} or count ${stored}`)
  }

  return { state: { counter, stored }, version: found }
}

const FORMATS_START = Buffer.of(PREFIX_FORMAT_ORDER)
const FORMATS_END = Buffer.of(PREFIX_FORMAT_ORDER + 1)

/** The formats of the `g` index: one seek per format, past all of its keys to the next format's first */
async function readFormats (db: Level): Promise<Set<string>> {
  const formats = new Set<string>()
  let from: Buffer = FORMATS_START

  for (;;) {
    const [key] = await db.keys({ gt: from, lt: FORMATS_END, limit: 1 }).all()

    if (key === undefined) {
      return formats
    }

    const format = key.subarray(2, 2 + key[1])
    formats.add(format.toString('latin1'))
    from = prefixUpperBound(formatPrefix(format))
  }
}

/**
 * Opens (or creates) the LevelDB registration database at `path`. A damaged or foreign directory, or one
 * from a newer schema, is refused with a typed error; nothing is written until those checks have passed.
 */
export async function openDatabase (path: string): Promise<{ db: Level, state: StoreState, formats: Set<string> }> {
  await preflight(path)
  const db = await openLevel(path)

  try {
    const { state, version } = await readState(path, db)

    if (version < SCHEMA_VERSION) {
      // the schema file says the new version before the first record changes, so an older release of this
      // package refuses a database whose migration was interrupted rather than misreading its records
      await writeSchemaFile(path)
      await migrateToVersion2(db, path, encodeVersion(SCHEMA_VERSION))
    }

    await writeSchemaFile(path)
    return { db, state, formats: await readFormats(db) }
  } catch (err) {
    await db.close()
    throw asCorruption(path, err)
  }
}
