import { expect } from 'aegir/chai'
import { runStoreCompliance } from '../src/compliance.ts'
import { ReferenceStore } from './fixtures/reference-store.ts'
import type { Bug } from './fixtures/reference-store.ts'
import type { TestFramework } from '../src/compliance.ts'

interface CollectedTest {
  title: string
  fn(): Promise<void>
}

/** Register the suite with a framework that only collects the tests, so this file can run them itself */
function collect (bug: Bug | undefined, persistent: boolean): CollectedTest[] {
  const tests: CollectedTest[] = []
  const path: string[] = []
  const framework: TestFramework = {
    describe (title, fn) {
      path.push(title)
      fn()
      path.pop()
    },
    it (title, fn) {
      tests.push({ title: [...path, title].join(' > '), fn })
    }
  }

  runStoreCompliance({
    name: bug ?? 'correct',
    create: ({ clock, directory }) => new ReferenceStore({ clock, directory: persistent ? directory : undefined, bug }),
    persistent,
    framework
  })

  return tests
}

async function failures (bug: Bug | undefined, persistent = false): Promise<string[]> {
  const failed: string[] = []

  for (const test of collect(bug, persistent)) {
    try {
      await test.fn()
    } catch {
      failed.push(test.title)
    }
  }

  return failed
}

/** Each deliberate bug, and a test that must catch it */
const CAUGHT_BY: Record<Bug, string> = {
  'refresh-keeps-position': 'a refresh replaces the record and moves it to the end of the order',
  'live-at-expiry': 'a registration is live while now < expiresAt, and not at the exact instant',
  'counter-from-max-position': 'positions never go backwards across a reopen',
  'namespace-length-in-characters': 'rejects namespaces over 255 bytes of UTF-8, counting bytes, not characters',
  'throws-synchronously': 'a bad envelope, TTL or time rejects with InvalidRegistrationError',
  'discover-returns-expired': 'reads never return expired registrations, and do not delete them',
  'remove-peer-by-prefix': 'removePeer does not touch peers whose ID starts with the same characters',
  'envelope-not-copied': 'keeps its own copy of the envelope',
  'reads-delete-expired': 'reads never return expired registrations, and do not delete them',
  'sample-first-in-order': 'is uniform: every live registration is equally likely',
  'sample-biased': 'is uniform: every live registration is equally likely',
  'exclude-namespace-ignored': 'countByPeer leaves out the excluded namespace',
  'position-is-next-not-last': 'a limit of 1 pages one registration at a time',
  'close-not-idempotent': 'close resolves, and closing again resolves too',
  'namespace-collision-on-nul': 'keeps namespaces apart that share prefixes, separators or NUL'
}

describe('the compliance suite', function () {
  this.timeout(120_000)

  it('passes the reference store, in memory and persistent, through the framework option', async () => {
    expect(await failures(undefined)).to.deep.equal([])
    expect(await failures(undefined, true)).to.deep.equal([])
  })

  it('registers the persistence tests only for persistent stores', () => {
    const plain = collect(undefined, false).map(t => t.title)
    const persistent = collect(undefined, true).map(t => t.title)
    expect(plain.some(t => t.includes('persistence'))).to.be.false()
    expect(persistent.filter(t => t.includes('persistence'))).to.have.length.greaterThan(3)
  })

  for (const [bug, test] of Object.entries(CAUGHT_BY) as Array<[Bug, string]>) {
    it(`catches a store with the bug "${bug}"`, async () => {
      const failed = await failures(bug, bug === 'counter-from-max-position')
      expect(failed.some(title => title.includes(test)), `expected "${test}" to fail; failed: ${JSON.stringify(failed)}`).to.be.true()
    })
  }
})
