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
  'namespace-collision-on-nul': 'keeps namespaces apart that share prefixes, separators or NUL',
  'discover-ignores-formats': 'discover returns only the listed formats; an empty list returns none',
  'sample-ignores-formats': 'sample with formats is uniform over the matching registrations',
  'empty-formats-means-all': 'discover returns only the listed formats; an empty list returns none',
  'filtered-position-from-scanned': 'paging with a filter over interleaved formats returns each matching registration exactly once, in order',
  'loses-format-on-reopen': 'the format survives a reopen, and the filters work on what was reopened',
  'format-unchecked': 'a bad format rejects with InvalidRegistrationError and changes nothing',
  'cap-not-atomic': '64 new peers racing at the store limit: exactly the limit is stored, the rest refused',
  'cap-counts-expired': 'only live registrations count, and an expired one of the same key is new, not a refresh',
  'cap-refuses-refresh': 'the store limit refuses a new registration when the store is full, and changes nothing',
  'cap-store-before-peer': 'the peer limit is checked before the store limit',
  'cap-refused-but-stored': 'the peer limit refuses a new registration of a peer that holds enough, and changes nothing'
}

/** The bugs only a persistent store can have */
const PERSISTENT_BUGS = new Set<Bug>(['counter-from-max-position', 'loses-format-on-reopen'])

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
      const failed = await failures(bug, PERSISTENT_BUGS.has(bug))
      expect(failed.some(title => title.includes(test)), `expected "${test}" to fail; failed: ${JSON.stringify(failed)}`).to.be.true()
    })
  }
})
