import assert from 'node:assert/strict'
import { assertAscending, assertRegistration, discoverAll, keys, peerId, sortedKeys, upsertAll } from './harness.ts'
import type { NewRegistration, Registration } from '../store.ts'
import type { Suite } from './suite.ts'

export function discoverTests (suite: Suite): void {
  suite.describe('discover', () => {
    suite.test('an empty store returns nothing and the position it was given', async (h) => {
      const store = await h.store()
      assert.deepEqual(await store.discover({ limit: 10 }), { registrations: [], position: 0 })
      assert.deepEqual(await store.discover({ namespace: 'chat', limit: 10 }), { registrations: [], position: 0 })
      assert.deepEqual(await store.discover({ namespace: 'chat', after: 0, limit: 10 }), { registrations: [], position: 0 })
      assert.deepEqual(await store.discover({ after: 42, limit: 10 }), { registrations: [], position: 42 })
    })

    suite.test('returns one namespace, or all, in position order', async (h) => {
      const store = await h.store()
      const stored: Registration[] = []

      for (let i = 0; i < 30; i++) {
        stored.push(await store.upsert(h.registration(['x', 'y', 'z'][i % 3], peerId(i))))
      }

      for (const namespace of ['x', 'y', 'z']) {
        const result = await store.discover({ namespace, limit: 100 })
        const expected = stored.filter(r => r.namespace === namespace)
        assert.equal(result.registrations.length, expected.length)
        result.registrations.forEach((r, i) => { assertRegistration(r, expected[i]) })
        assert.equal(result.position, expected[expected.length - 1].position)
      }

      const all = await store.discover({ limit: 100 })
      assert.equal(all.registrations.length, 30)
      all.registrations.forEach((r, i) => { assertRegistration(r, stored[i]) })
      assert.equal(all.position, stored[29].position)

      assert.deepEqual(await store.discover({ namespace: 'unknown', limit: 100 }), { registrations: [], position: 0 })
    })

    suite.test('after skips everything up to and including that position', async (h) => {
      const store = await h.store()
      const stored: Registration[] = []

      for (let i = 0; i < 10; i++) {
        stored.push(await store.upsert(h.registration(i % 2 === 0 ? 'even' : 'odd', peerId(i))))
      }

      const all = await store.discover({ after: stored[4].position, limit: 100 })
      assert.deepEqual(all.registrations.map(r => r.position), stored.slice(5).map(r => r.position))

      const even = await store.discover({ namespace: 'even', after: stored[4].position, limit: 100 })
      assert.deepEqual(even.registrations.map(r => r.position), [stored[6].position, stored[8].position])

      // a position between two of the namespace's registrations
      const between = await store.discover({ namespace: 'even', after: stored[5].position, limit: 100 })
      assert.deepEqual(between.registrations.map(r => r.position), [stored[6].position, stored[8].position])

      const end = await store.discover({ after: stored[9].position, limit: 100 })
      assert.deepEqual(end, { registrations: [], position: stored[9].position }, 'after the last position')

      const beyond = await store.discover({ namespace: 'odd', after: stored[9].position + 1000, limit: 100 })
      assert.deepEqual(beyond, { registrations: [], position: stored[9].position + 1000 }, 'far beyond the last position')
    })

    suite.test('a limit of 0 returns nothing and keeps the position', async (h) => {
      const store = await h.store()
      const first = await store.upsert(h.registration('chat', peerId(1)))
      await store.upsert(h.registration('chat', peerId(2)))

      assert.deepEqual(await store.discover({ limit: 0 }), { registrations: [], position: 0 })
      assert.deepEqual(await store.discover({ namespace: 'chat', limit: 0 }), { registrations: [], position: 0 })
      assert.deepEqual(await store.discover({ namespace: 'chat', after: first.position, limit: 0 }), { registrations: [], position: first.position })
    })

    suite.test('a limit of 1 pages one registration at a time', async (h) => {
      const store = await h.store()
      const stored: Registration[] = []

      for (let i = 0; i < 5; i++) {
        stored.push(await store.upsert(h.registration('chat', peerId(i))))
      }

      let after = 0

      for (const expected of stored) {
        const page = await store.discover({ namespace: 'chat', after, limit: 1 })
        assert.equal(page.registrations.length, 1)
        assertRegistration(page.registrations[0], expected)
        assert.equal(page.position, expected.position)
        after = page.position
      }

      assert.deepEqual(await store.discover({ namespace: 'chat', after, limit: 1 }), { registrations: [], position: after })
    })

    suite.test('a limit of 1000 returns 1000', async (h) => {
      const store = await h.store()
      const inputs: NewRegistration[] = []

      for (let i = 0; i < 1200; i++) {
        inputs.push(h.registration(i % 5 === 0 ? 'other' : 'big', peerId(i)))
      }

      // concurrent batches: the order is the order of the positions the store gave out
      const stored = (await upsertAll(store, inputs)).sort((a, b) => a.position - b.position)
      const big = stored.filter(r => r.namespace === 'big')

      const first = await store.discover({ namespace: 'big', limit: 1000 })
      assert.equal(first.registrations.length, 960, 'all 960 of the namespace')
      assert.deepEqual(keys(first.registrations), keys(big))

      const all = await store.discover({ limit: 1000 })
      assert.equal(all.registrations.length, 1000)
      assertAscending(all.registrations)
      assert.deepEqual(keys(all.registrations), keys(stored.slice(0, 1000)))
      assert.equal(all.position, stored[999].position)

      const rest = await store.discover({ after: all.position, limit: 1000 })
      assert.equal(rest.registrations.length, 200)
      assert.deepEqual(keys(rest.registrations), keys(stored.slice(1000)))
    })

    suite.test('paging through everything returns each live registration exactly once', async (h) => {
      const store = await h.store()
      const namespaces = ['a', 'b', 'c', 'd']
      const live = new Map<string, NewRegistration>()

      // a history of inserts, refreshes, removals and registrations that expire
      for (let i = 0; i < 240; i++) {
        const namespace = namespaces[(i * 7) % 4]
        const peer = peerId(i % 90)
        const expiring = i % 11 === 0
        const input = h.registration(namespace, peer, { ttl: expiring ? 5 : 3600 })
        await store.upsert(input)
        live.set(`${JSON.stringify(namespace)}/${peer}`, input)

        if (i % 13 === 0) {
          await store.remove(namespace, peer)
          live.delete(`${JSON.stringify(namespace)}/${peer}`)
        }
      }

      h.clock.advance(5_000)
      for (const [key, input] of live) {
        if (input.expiresAt <= h.clock.now) { live.delete(key) }
      }

      for (const pageSize of [1, 3, 50, 1000]) {
        const all = await discoverAll(store, undefined, pageSize)
        assertAscending(all, `page size ${pageSize}`)
        assert.deepEqual(keys(all).sort(), [...live.keys()].sort(), `page size ${pageSize}: each live registration exactly once`)
        for (const r of all) { assertRegistration(r, live.get(`${JSON.stringify(r.namespace)}/${r.peerId}`) as NewRegistration) }

        for (const namespace of namespaces) {
          const inNamespace = await discoverAll(store, namespace, pageSize)
          assertAscending(inNamespace, `namespace ${namespace}, page size ${pageSize}`)
          assert.deepEqual(sortedKeys(inNamespace), sortedKeys([...live.values()].filter(r => r.namespace === namespace)))
        }
      }

      assert.equal(await store.count(), live.size)
    })

    suite.test('skips expired registrations without returning them', async (h) => {
      const store = await h.store()
      const short = await store.upsert(h.registration('chat', peerId(1), { ttl: 1 }))
      await store.upsert(h.registration('chat', peerId(2), { ttl: 1 }))
      const kept = await store.upsert(h.registration('chat', peerId(3), { ttl: 60 }))
      await store.upsert(h.registration('chat', peerId(4), { ttl: 1 }))

      h.clock.advance(1_000)
      const page = await store.discover({ namespace: 'chat', limit: 1 })
      assert.deepEqual(page.registrations.map(r => r.peerId), [peerId(3)])
      assert.equal(page.position, kept.position)

      const next = await store.discover({ namespace: 'chat', after: page.position, limit: 5 })
      assert.deepEqual(next, { registrations: [], position: kept.position })

      const fromShort = await store.discover({ after: short.position, limit: 5 })
      assert.deepEqual(fromShort.registrations.map(r => r.peerId), [peerId(3)])
    })
  })
}
