import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A directory a test made, and how to delete it with everything in it */
export interface TemporaryDirectory {
  path: string
  remove(): Promise<void>
}

/** A fresh directory under the OS temp directory, named after `owner` (the package whose test makes it) */
export async function temporaryDirectory (owner: string): Promise<TemporaryDirectory> {
  const path = await mkdtemp(join(tmpdir(), `rendezvous-${owner}-test-`))
  return {
    path,
    remove: async () => rm(path, { recursive: true, force: true, maxRetries: 3 })
  }
}
