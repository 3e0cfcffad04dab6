import { randomBytes } from 'node:crypto'
import { link, open, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

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
