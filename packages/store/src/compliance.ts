/**
 * @packageDocumentation
 *
 * The compliance suite for {@link RegistrationStore} adapters. One call registers every behaviour the
 * interface promises as tests with your test framework (mocha's global `describe` and `it` by default):
 *
 * ```ts
 * // test/compliance.spec.ts
 * import { runStoreCompliance } from '@rendezvous/store/compliance'
 * import { myStore } from '../src/index.ts'
 *
 * runStoreCompliance({
 *   name: 'my-store',
 *   create: async ({ clock, directory }) => myStore({ clock, path: directory }),
 *   persistent: true
 * })
 * ```
 *
 * Assertions use `node:assert`, so the suite needs no assertion library. It needs a runner that provides
 * `describe` and `it` (mocha, which `aegir test` runs, or any other; pass them as `framework`), and Node.js
 * (it makes a temporary directory per test).
 */

import { capTests } from './compliance/caps.ts'
import { concurrencyTests } from './compliance/concurrency.ts'
import { countTests } from './compliance/count.ts'
import { discoverTests } from './compliance/discover.ts'
import { durabilityTests } from './compliance/durability.ts'
import { expiryTests } from './compliance/expiry.ts'
import { formatTests } from './compliance/formats.ts'
import { lifecycleTests } from './compliance/lifecycle.ts'
import { namespaceTests } from './compliance/namespaces.ts'
import { removeTests } from './compliance/remove.ts'
import { sampleTests } from './compliance/sample.ts'
import { createSuite } from './compliance/suite.ts'
import { upsertTests } from './compliance/upsert.ts'
import { validationTests } from './compliance/validation.ts'
import type { StoreFactory, TestFramework } from './compliance/harness.ts'
import type { RegistrationStore } from './store.ts'

export { ManualClock, DEFAULT_START, envelope, peerId } from './compliance/harness.ts'
export { durabilityRegistration } from './compliance/durability.ts'
export type { StoreFactory, StoreFactoryContext, TestFramework } from './compliance/harness.ts'
export { LONGEST_NAMESPACES, TOO_LONG_NAMESPACES, TRICKY_NAMESPACES } from './compliance/namespaces.ts'

export interface StoreComplianceOptions {
  /** Names the top-level `describe` block, e.g. `'@rendezvous/store-memory'` */
  name: string

  /**
   * Opens a store with the given clock, keeping its files (if any) in the given directory. Called once per
   * test with a fresh, empty directory, and again with the same directory when a persistence test reopens
   * the store after closing it.
   */
  create: StoreFactory

  /**
   * `true` if the store keeps its data across close and reopen: adds the persistence tests (data, positions
   * and expiry survive a reopen; positions never go backwards). Default `false`.
   */
  persistent?: boolean

  /**
   * For persistent adapters: a module whose default export opens the store in a directory,
   * `(directory: string) => Promise<RegistrationStore>` (with the real clock). Adds the durability test:
   * a child process opens the store with it, upserts, and is killed with SIGKILL; every upsert whose
   * promise had resolved must be there afterwards. Pass a `file:` URL, e.g.
   * `new URL('./fixtures/open-store.ts', import.meta.url)`.
   */
  durability?: { opener: string | URL }

  /** The timeout of each test in milliseconds, where the framework supports one (mocha). Default 10 000 */
  timeout?: number

  /**
   * The test functions to register with. Default: the global `describe` and `it` (mocha, or jest or
   * vitest with globals). For `node:test`, pass `{ describe, it }` imported from `node:test`.
   */
  framework?: TestFramework
}

/**
 * Register the compliance tests for a {@link RegistrationStore} adapter. Call it at the top level of a test
 * file (not inside an `it`); it registers a `describe` block and returns at once.
 */
export function runStoreCompliance (options: StoreComplianceOptions): void {
  const framework = options.framework ?? globalFramework()
  const suite = createSuite(framework, options.create, options.persistent === true, options.timeout ?? 10_000)

  framework.describe(`${options.name}: RegistrationStore compliance`, () => {
    upsertTests(suite)
    removeTests(suite)
    countTests(suite)
    discoverTests(suite)
    expiryTests(suite)
    sampleTests(suite)
    namespaceTests(suite)
    concurrencyTests(suite)
    formatTests(suite)
    capTests(suite)
    validationTests(suite)
    lifecycleTests(suite)
    if (options.durability != null) {
      durabilityTests(suite, options.durability.opener)
    }
  })
}

function globalFramework (): TestFramework {
  const global: any = globalThis

  if (typeof global.describe !== 'function' || typeof global.it !== 'function') {
    throw new Error('runStoreCompliance needs a test runner: no global describe/it found. Run it under mocha (or pass `framework: { describe, it }`)')
  }

  return { describe: global.describe, it: global.it }
}

export type { RegistrationStore }
