import { Harness } from './harness.ts'
import type { StoreFactory, TestFramework } from './harness.ts'

/** How the test groups register their tests */
export interface Suite {
  /** The adapter keeps its data across close and reopen */
  readonly persistent: boolean

  describe(title: string, fn: () => void): void

  /**
   * Register a test. It gets a fresh {@link Harness} (clock, directory, store factory) and the harness is
   * disposed of afterwards, whatever happens.
   */
  test(title: string, fn: (h: Harness) => Promise<void>, options?: { timeout?: number }): void
}

export function createSuite (framework: TestFramework, factory: StoreFactory, persistent: boolean, timeout: number): Suite {
  return {
    persistent,
    describe (title, fn) {
      framework.describe(title, fn)
    },
    test (title, fn, options = {}) {
      const registered: any = framework.it(title, async () => {
        const harness = await Harness.create(factory)

        try {
          await fn(harness)
        } finally {
          await harness.dispose()
        }
      })

      // mocha's tests carry a timeout; other frameworks have their own ways
      if (registered != null && typeof registered.timeout === 'function') {
        registered.timeout(options.timeout ?? timeout)
      }
    }
  }
}
