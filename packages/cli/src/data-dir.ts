import { constants } from 'node:fs'
import { access, mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DataDirError } from './errors.ts'

function reason (err: any): string {
  return typeof err?.code === 'string' ? err.code : String(err?.message ?? err)
}

/**
 * Check, without writing anything, that the data directory exists and is writable, or that it can be
 * created: its nearest existing ancestor is a writable directory. Throws {@link DataDirError}.
 */
export async function checkDataDir (dir: string): Promise<void> {
  let path = dir
  // bounded by the depth of the path: dirname of the root is the root
  for (;;) {
    let info
    try {
      info = await stat(path)
    } catch (err: any) {
      if (err.code === 'ENOENT') {
        const parent = dirname(path)
        if (parent === path) {
          throw new DataDirError(`data dir ${dir}: no part of the path exists`)
        }
        path = parent
        continue
      }
      if (err.code === 'ENOTDIR') {
        throw new DataDirError(`data dir ${dir}: a part of the path is a file, not a directory`)
      }
      throw new DataDirError(`data dir ${dir}: cannot inspect ${path} (${reason(err)})`)
    }
    if (!info.isDirectory()) {
      throw new DataDirError(path === dir
        ? `data dir ${dir} is not a directory`
        : `data dir ${dir} cannot be created: ${path} is not a directory`)
    }
    try {
      // listing (R) matters only for the data dir itself; X lets us reach what is inside
      await access(path, constants.W_OK | constants.X_OK | (path === dir ? constants.R_OK : 0))
    } catch (err: any) {
      throw new DataDirError(path === dir
        ? `data dir ${dir} is not writable (${reason(err)})`
        : `data dir ${dir} cannot be created: ${path} is not writable (${reason(err)})`)
    }
    return
  }
}

/**
 * Create the data directory (and missing parents) with mode 0700. Returns the first directory it
 * created, so a start that fails later can remove exactly what it made, or `undefined` if it existed.
 */
export async function createDataDir (dir: string): Promise<string | undefined> {
  try {
    return await mkdir(dir, { recursive: true, mode: 0o700 })
  } catch (err: any) {
    throw new DataDirError(`data dir ${dir} cannot be created (${reason(err)})`, { cause: err })
  }
}
