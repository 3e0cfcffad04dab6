/**
 * A cookie of /rendezvous/1.0.0 carries a position, and the next DISCOVER asks for what comes after it. If a
 * point could see position n+1 committed while n was still to come, a client paging at that moment would
 * skip n for good. Every point's writes take the store's lock until they commit, so positions become
 * visible in the order they were handed out; a reader paging while two points write sees every one.
 */
import assert from 'node:assert/strict'
import { postgresStore } from '../src/index.ts'
import { registration } from './fixtures/registrations.ts'
import { sharedServer } from './fixtures/server.ts'

const WRITES_PER_POINT = 300
const WRITERS_PER_POINT = 8

describe('positions become visible in order across points', function () {
  this.timeout(120_000)

  it('a reader paging with after while two points write concurrently misses none and repeats none', async () => {
    const { url } = await sharedServer()
    const points = [await postgresStore({ url, schema: 'visible_order' }), await postgresStore({ url, schema: 'visible_order' })]
    const reader = await postgresStore({ url, schema: 'visible_order' })

    try {
      let next = 0
      const written: string[] = []
      const writer = async (point: number): Promise<void> => {
        // bounded: each writer takes numbers until the shared count is reached
        while (next < WRITES_PER_POINT * points.length) {
          const i = next++
          const stored = await points[point].upsert(registration('order', i))
          written.push(stored.peerId)
        }
      }

      let writing = true
      const writers = Promise.all(points.flatMap((_, point) => Array.from({ length: WRITERS_PER_POINT }, async () => writer(point))))
        .finally(() => { writing = false })

      const seen: string[] = []
      let after = 0
      const deadline = Date.now() + 100_000

      // page while the writers run, then once more after they are done
      for (let page = 0; page < 100_000 && Date.now() < deadline; page++) {
        const stillWriting = writing
        const result = await reader.discover({ namespace: 'order', after, limit: 7 })
        seen.push(...result.registrations.map(r => r.peerId))
        after = result.position

        if (!stillWriting && result.registrations.length === 0) {
          break
        }
      }

      await writers
      assert.equal(written.length, WRITES_PER_POINT * points.length)
      assert.equal(new Set(seen).size, seen.length, 'no registration was returned twice')
      assert.deepEqual([...seen].sort(), [...written].sort(), 'the reader saw every registration exactly once')
    } finally {
      await Promise.all([...points, reader].map(async store => store.close()))
    }
  })
})
