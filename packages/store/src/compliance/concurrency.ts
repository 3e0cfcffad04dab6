import assert from 'node:assert/strict'
import { assertRegistration, discoverAll, peerId } from './harness.ts'
import type { Suite } from './suite.ts'

export function concurrencyTests (suite: Suite): void {
  suite.describe('concurrency', () => {
    suite.test('concurrent upserts of the same key end with exactly one registration: the last one', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))
      const inputs = Array.from({ length: 25 }, (_, i) => h.registration('chat', peerId(1), { ttl: 100 + i }))
      const results = await Promise.all(inputs.map(async input => store.upsert(input)))

      assert.equal(new Set(results.map(r => r.position)).size, results.length, 'each upsert took its own position')
      results.forEach((r, i) => { assertRegistration(r, inputs[i]) })

      const all = await discoverAll(store)
      assert.equal(all.length, 1, 'exactly one registration')
      assert.equal(await store.count(), 1)
      assert.equal(await store.countByPeer(peerId(1)), 1)
      assert.equal((await store.sample('chat', 10)).length, 1)

      const winner = results.reduce((a, b) => (b.position > a.position ? b : a))
      assertRegistration(all[0], winner, 'the stored registration is the one with the highest position, whole')

      h.clock.set(winner.expiresAt)
      assert.equal(await store.expire(), 1, 'and it is the only one left to expire')
      assert.equal(await store.count(), 0)
    })

    suite.test('concurrent upserts of different keys are all stored with distinct positions', async (h) => {
      const store = await h.store()
      const inputs = Array.from({ length: 200 }, (_, i) => h.registration(`ns-${i % 7}`, peerId(i % 40)))
      const results = await Promise.all(inputs.map(async input => store.upsert(input)))
      assert.equal(new Set(results.map(r => r.position)).size, 200)

      const all = await discoverAll(store, undefined, 33)
      assert.equal(all.length, 200)
      assert.equal(await store.count(), 200)
      for (const r of all) {
        const result = results.find(x => x.position === r.position)
        assert.ok(result != null)
        assertRegistration(r, result)
      }
    })

    suite.test('concurrent upserts, removals and expiry leave the indexes consistent', async (h) => {
      const store = await h.store()
      const work: Array<Promise<unknown>> = []

      for (let i = 0; i < 300; i++) {
        const namespace = `ns-${i % 5}`
        const peer = peerId(i % 17)
        work.push(store.upsert(h.registration(namespace, peer, { ttl: i % 4 === 0 ? 0 : 3600 })))
        if (i % 3 === 0) { work.push(store.remove(namespace, peerId((i + 5) % 17))) }
        if (i % 50 === 0) { work.push(store.removePeer(peerId(i % 17))) }
        if (i % 20 === 0) { work.push(store.expire()) }
      }

      await Promise.all(work)
      const all = await discoverAll(store, undefined, 10)
      assert.equal(new Set(all.map(r => `${r.namespace}/${r.peerId}`)).size, all.length, 'no key appears twice')
      assert.equal(await store.count(), all.length, 'count agrees with discover')

      for (let p = 0; p < 17; p++) {
        assert.equal(await store.countByPeer(peerId(p)), all.filter(r => r.peerId === peerId(p)).length, 'countByPeer agrees with discover')
      }

      for (let n = 0; n < 5; n++) {
        const namespace = `ns-${n}`
        const inNamespace = all.filter(r => r.namespace === namespace)
        assert.equal((await discoverAll(store, namespace)).length, inNamespace.length)
        assert.equal((await store.sample(namespace, 1000)).length, inNamespace.length, 'sample agrees with discover')
      }

      await store.expire()
      assert.equal(await store.count(), all.length, 'expire deletes only expired registrations')
    })
  })
}
