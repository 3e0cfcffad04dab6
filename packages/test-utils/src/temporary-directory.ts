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

/** A fresh directory for each test of a suite; read `dir` inside tests and later hooks */
export interface TestDirectory {
  readonly dir: string
}

/**
 * For each test of the calling suite (mocha hooks): a fresh temporary directory named after `owner`, removed
 * with everything in it after the test, once `beforeRemoval` has run (what still writes there is stopped first)
 */
export function directoryEachTest (owner: string, beforeRemoval?: () => Promise<void>): TestDirectory {
  let current: TemporaryDirectory | undefined

  beforeEach(async () => {
    current = await temporaryDirectory(owner)
  })

  afterEach(async () => {
    await beforeRemoval?.()
    await current?.remove()
    current = undefined
  })

  return {
    get dir () {
      if (current == null) {
        throw new Error('the temporary directory exists only while a test runs')
      }
      return current.path
    }
  }
}

/** Where a test keeps a store: its temporary directory, and the path of the store's file or directory in it */
export interface StorePath {
  readonly directory: string
  readonly path: string
}

/**
 * {@link directoryEachTest}, and the path of `name` in each test's directory (not created: the store, or the
 * test, makes it)
 */
export function storePathEachTest (owner: string, name: string): StorePath {
  const each = directoryEachTest(owner)
  return {
    get directory () { return each.dir },
    get path () { return join(each.dir, name) }
  }
}
