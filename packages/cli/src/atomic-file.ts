import { randomBytes } from 'node:crypto'
import { link, open, readFile, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { KeyFileError } from './errors.ts'

/**
 * Create `path` with `bytes` and mode 0600 unless it exists, so that no reader ever sees a partial file
 * and two processes starting at once agree on one content: the bytes go to a temporary file that is
 * synced and then hard-linked into place, which fails if `path` appeared meanwhile.
 *
 * Returns `true` if this call created the file, `false` if it already existed (its content is left as it
 * was; read it back).
 */
export async function createFileAtomically (path: string, bytes: Uint8Array): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(tmp, 'wx', 0o600)
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  let created = true
  try {
    await link(tmp, path)
  } catch (err: any) {
    if (err.code !== 'EEXIST') {
      await unlink(tmp).catch(() => {})
      throw err
    }
    created = false
  }
  await unlink(tmp)
  if (created) {
    await syncDirectory(dirname(path))
  }
  return created
}

/** Make a new directory entry durable: without this a crash may lose the link just made */
async function syncDirectory (dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } catch {
    // some file systems refuse fsync on directories; the file's own content is synced already
  } finally {
    await handle.close()
  }
}

/**
 * Read a file of the data directory that may not exist yet: its bytes, or `undefined` if it is absent.
 *
 * @throws {KeyFileError} naming `what` and the path when it exists but cannot be read
 */
export async function readOptionalFile (path: string, what: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path)
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      return undefined
    }
    throw new KeyFileError(`${what} ${path} cannot be read (${String(err.code ?? err.message)})`, { cause: err })
  }
}

/**
 * Write a freshly generated value to its file unless another process created the file first; in that
 * case the other process's value wins, so two daemons started at once on one data directory agree.
 *
 * @returns `{ created: true }`, or `{ created: false, winner }` with the value read back from the file
 */
export async function createOrAdopt<T> (path: string, bytes: Uint8Array, what: string, read: (path: string) => Promise<T | undefined>): Promise<{ created: true } | { created: false, winner: T }> {
  if (await createFileAtomically(path, bytes)) {
    return { created: true }
  }
  const winner = await read(path)
  if (winner == null) {
    throw new KeyFileError(`${what} ${path} vanished while it was being created`)
  }
  return { created: false, winner }
}
