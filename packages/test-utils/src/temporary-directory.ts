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

/** Where a test keeps a store: its temporary directory, and the path of the store's file or directory in it */
export interface StorePath {
  readonly directory: string
  readonly path: string
}

/**
 * For each test of the calling suite (mocha hooks): a fresh temporary directory named after `owner`, and
 * the path of `name` in it (not created: the store, or the test, makes it); removed with everything in it
 * after the test. Read `directory` and `path` inside tests and later hooks.
 */
export function storePathEachTest (owner: string, name: string): StorePath {
  let current: TemporaryDirectory | undefined

  beforeEach(async () => {
    current = await temporaryDirectory(owner)
  })

  afterEach(async () => {
    await current?.remove()
    current = undefined
  })

  const directory = (): string => {
    if (current == null) {
      throw new Error('the temporary directory exists only while a test runs')
    }

    return current.path
  }

  return {
    get directory () { return directory() },
    get path () { return join(directory(), name) }
  }
}
