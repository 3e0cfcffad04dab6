/**
 * Discovers in one namespace beyond a few in flight wait and then go together, several pages in one query
 * (src/page-reads.ts). The class is tested alone with stand-in queries for what it sends when; the store,
 * against a real server, for the pages it then returns: each the same as the discover alone would get.
 */
import assert from 'node:assert/strict'
import { MAX_PAGES_PER_READ } from '../src/constants.ts'
import { postgresStore } from '../src/index.ts'
import { PageReads } from '../src/page-reads.ts'
import { registration } from './fixtures/registrations.ts'
import { sharedServer } from './fixtures/server.ts'
import type { Page, PageRequest } from '../src/page-reads.ts'

/** A query that answers when the test says so: the requests it was sent with, and how to answer them */
interface HeldQuery {
  requests: PageRequest[]
  answer(): void
  fail(err: Error): void
}

/** PageReads over held queries; `sent(n)` resolves once n queries have been sent */
function heldReads (maxInFlight: number): { reads: PageReads, queries: HeldQuery[], sent(count: number): Promise<void> } {
  const queries: HeldQuery[] = []
  const waiters: Array<{ count: number, resolve(): void }> = []
  const hold = async (requests: PageRequest[]): Promise<Page[]> => new Promise((resolve, reject) => {
    queries.push({ requests, answer: () => { resolve(requests.map(r => `${r.namespace}@${r.after}`)) }, fail: reject })
    waiters.filter(w => w.count <= queries.length).forEach(w => { w.resolve() })
  })

  return {
    reads: new PageReads(maxInFlight, async (request) => (await hold([request]))[0], hold),
    queries,
    sent: async (count) => {
      if (queries.length < count) {
        await new Promise<void>(resolve => { waiters.push({ count, resolve }) })
      }
    }
  }
}

const request = (namespace: string, formats: string[] | null = null): PageRequest => ({ namespace, after: 0, limit: 100, formats })

describe('discovers in flight together share queries', function () {
  this.timeout(60_000)

  it('sends at most maxInFlight queries; the discovers that wait go together when one comes back, grouped by format filter', async () => {
    const { reads, queries, sent } = heldReads(2)
    const first = [reads.read(request('a')), reads.read(request('b'))]
    assert.equal(queries.length, 2, 'the first two go at once, alone')

    const waiting = [reads.read(request('c')), reads.read(request('d', ['standard'])), reads.read(request('e')), reads.read(request('f', ['standard']))]
    assert.equal(queries.length, 2, 'the others wait')

    queries[0].answer()
    assert.equal(await first[0], 'a@0')
    await sent(3)
    assert.deepEqual(queries[2].requests.map(r => r.namespace), ['c', 'e'], 'the oldest waiting one with those of its filter')

    queries[1].answer()
    await first[1]
    await sent(4)
    assert.deepEqual(queries[3].requests.map(r => r.namespace), ['d', 'f'])

    queries[2].answer()
    queries[3].answer()
    assert.deepEqual(await Promise.all(waiting), ['c@0', 'd@0', 'e@0', 'f@0'])
    assert.equal(queries.length, 4)
  })

  it('a query takes at most MAX_PAGES_PER_READ of the waiting discovers, and a failed one rejects only its own', async () => {
    const { reads, queries, sent } = heldReads(1)
    const lone = reads.read(request('lone'))
    const waiting = Array.from({ length: MAX_PAGES_PER_READ + 3 }, async (_, i) => reads.read(request(`n${i}`)))
    const settled = Promise.allSettled(waiting)

    queries[0].answer()
    await lone
    await sent(2)
    assert.equal(queries[1].requests.length, MAX_PAGES_PER_READ)
    queries[1].fail(new Error('the database went away'))
    await assert.rejects(waiting[0], /went away/)
    await sent(3)
    assert.equal(queries[2].requests.length, 3)
    queries[2].answer()

    const results = await settled
    assert.ok(results.slice(0, MAX_PAGES_PER_READ).every(r => r.status === 'rejected' && r.reason.message === 'the database went away'))
    assert.deepEqual(results.slice(MAX_PAGES_PER_READ).map(r => r.status === 'fulfilled' ? r.value : null), ['n32@0', 'n33@0', 'n34@0'])
  })

  it('a caller answered by a query that discovers again at once goes with the waiting ones, not alone', async () => {
    const { reads, queries, sent } = heldReads(1)
    // what the caller of 'a' does with its page: discover again at once, as a point answering its next DISCOVER does
    const again = (async () => {
      await reads.read(request('a'))
      return reads.read(request('c'))
    })()
    const waiting = reads.read(request('b'))
    assert.deepEqual(queries.map(q => q.requests.map(r => r.namespace)), [['a']])

    // the slot of 'a' is kept until its caller has run on: 'c' goes with 'b' instead of after it
    queries[0].answer()
    await sent(2)
    assert.deepEqual(queries[1].requests.map(r => r.namespace), ['b', 'c'])
    queries[1].answer()
    assert.equal(await again, 'c@0')
    assert.equal(await waiting, 'b@0')
    assert.equal(queries.length, 2)
  })

  it('waiting discovers of the same page share it: the query reads it once, and distinct pages count towards MAX_PAGES_PER_READ', async () => {
    const { reads, queries, sent } = heldReads(1)
    const lone = reads.read(request('a'))
    // the page of 'a' again (not the one in flight: that query was sent before these were called), 'b' three
    // times, 'a' from elsewhere, and as many other pages as fill the query
    const same = [reads.read(request('a')), reads.read(request('b')), reads.read(request('b')), reads.read({ ...request('a'), after: 7 }), reads.read(request('b'))]
    const others = Array.from({ length: MAX_PAGES_PER_READ - 3 }, async (_, i) => reads.read(request(`n${i}`)))
    const late = reads.read(request('late'))
    const lateSame = reads.read(request('b', ['standard']))

    queries[0].answer()
    assert.equal(await lone, 'a@0')
    await sent(2)
    assert.deepEqual(queries[1].requests.slice(0, 3).map(r => `${r.namespace}@${r.after}`), ['a@0', 'b@0', 'a@7'], 'each page once, in the order first asked')
    assert.equal(queries[1].requests.length, MAX_PAGES_PER_READ)
    queries[1].answer()
    assert.deepEqual(await Promise.all(same), ['a@0', 'b@0', 'b@0', 'a@7', 'b@0'])
    assert.deepEqual(await Promise.all(others), others.map((_, i) => `n${i}@0`))

    // the page past the limit and the one of another format filter wait for the next queries
    await sent(3)
    assert.deepEqual(queries[2].requests.map(r => r.namespace), ['late'])
    queries[2].answer()
    assert.equal(await late, 'late@0')
    await sent(4)
    assert.deepEqual(queries[3].requests.map(r => [r.namespace, r.formats]), [['b', ['standard']]])
    queries[3].answer()
    assert.equal(await lateSame, 'b@0')
  })

  it('against a real server, 64 discovers in flight at once each get the page a lone discover gets', async () => {
    const { url } = await sharedServer()
    const store = await postgresStore({ url, schema: 'pages_together' })

    try {
      // 8 namespaces of 40; every third registration of another format
      await Promise.all(Array.from({ length: 320 }, async (_, i) => store.upsert({ ...registration(`ns${i % 8}`, i), format: i % 3 === 0 ? 'waku' : 'standard' })))
      const queries = Array.from({ length: 64 }, (_, i) => ({
        namespace: `ns${i % 8}`,
        after: i % 5 === 0 ? 0 : 100 + i * 3,
        limit: 5 + (i % 7) * 10,
        ...(i % 4 === 0 ? { formats: ['standard'] } : {})
      }))

      const alone = []
      for (const query of queries) {
        alone.push(await store.discover(query))
      }

      const together = await Promise.all(queries.map(async query => store.discover(query)))
      assert.deepEqual(together, alone)
      assert.ok(alone.some(page => page.registrations.length > 0) && alone.some(page => page.registrations.length < 5))
    } finally {
      await store.close()
    }
  })
})
