import { randomBytes } from 'node:crypto'
import { open, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { LOCK_FILE } from './constants.ts'
import { DataDirLockedError } from './errors.ts'

/** A held lock on a data directory; {@link DataDirLock.release} removes it */
export interface DataDirLock {
  /** The lock file */
  path: string
  release(): Promise<void>
}

/** Whether a process with this ID runs on this machine (EPERM: it runs as another user) */
function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err.code === 'EPERM'
  }
}

async function holderOf (path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).split('\n')[0], 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      return undefined
    }
    throw err
  }
}

function lockedMessage (dataDir: string, pid: number): string {
  return `data dir ${dataDir} is in use by another rendezvous daemon (process ${pid}); stop it or give this one another --data-dir`
}

/**
 * Check, without writing anything, that no running daemon holds the data directory's lock, so a second
 * daemon is refused for what it is before a port it shares with the first is reported as taken
 */
export async function checkDataDirLock (dataDir: string): Promise<void> {
  const pid = await holderOf(join(dataDir, LOCK_FILE)).catch(() => undefined)
  if (pid != null && alive(pid)) {
    throw new DataDirLockedError(lockedMessage(dataDir, pid))
  }
}

/**
 * Take the lock of a data directory: a file holding the daemon's process ID, created exclusively. Two
 * daemons on one data directory would share one peer ID and one store, so a second one is refused with
 * {@link DataDirLockedError} while the first runs. A lock left by a process that is gone (SIGKILL, a
 * crash) is taken over; its process ID is checked, not the file's age.
 */
export async function lockDataDir (dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE)
  const token = randomBytes(8).toString('hex')
  // two rounds: the first may find a stale lock and remove it; a second failure means another daemon won
  for (let round = 0; round < 2; round++) {
    try {
      const handle = await open(path, 'wx', 0o600)
      try {
        await handle.writeFile(`${process.pid}\n${token}\n`)
      } finally {
        await handle.close()
      }
      return {
        path,
        release: async () => {
          // remove only our own lock: a file with another token belongs to a daemon that took over
          const content = await readFile(path, 'utf8').catch(() => '')
          if (content.split('\n')[1] === token) {
            await unlink(path).catch(() => {})
          }
        }
      }
    } catch (err: any) {
      if (err.code !== 'EEXIST') {
        throw new DataDirLockedError(`data dir ${dataDir}: cannot create the lock file ${path} (${String(err.code ?? err.message)})`, { cause: err })
      }
    }
    const pid = await holderOf(path)
    if (pid != null && alive(pid)) {
      throw new DataDirLockedError(lockedMessage(dataDir, pid))
    }
    await unlink(path).catch(() => {})
  }
  throw new DataDirLockedError(`data dir ${dataDir} was locked by another rendezvous daemon starting at the same time; give this one another --data-dir`)
}
