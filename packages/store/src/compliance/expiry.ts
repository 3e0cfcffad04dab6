import assert from 'node:assert/strict'
import { assertRegistration, discoverAll, peerId } from './harness.ts'
import type { NewRegistration, RegistrationStore } from '../store.ts'
import type { Suite } from './suite.ts'

export function expiryTests (suite: Suite): void {
  suite.describe('expiry', () => {
    suite.test('a registration is live while now < expiresAt, and not at the exact instant', async (h) => {
      const store = await h.store()
      const input = h.registration('chat', peerId(1), { ttl: 10 })
      await store.upsert(input)
      await store.upsert(h.registration('other', peerId(1), { ttl: 3600 }))

      h.clock.set(input.expiresAt - 1)
      assert.equal(await liveEverywhere(store, 'chat', peerId(1)), 4, 'one millisecond before expiry it is live for every read')
      assert.equal(await store.expire(), 0, 'and expire() leaves it')

      h.clock.set(input.expiresAt)
      assert.equal(await liveEverywhere(store, 'chat', peerId(1)), 0, 'at expiresAt it is gone from every read, before expire() has run')
      assert.equal(await store.countByPeer(peerId(1)), 1, 'the other namespace is still live')
      assert.equal(await store.expire(), 1, 'expire() deletes it at the exact instant')
      assert.equal(await store.expire(), 0)
    })

    suite.test('a registration that expires when it is made is never live', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1), { ttl: 0 }))
      assert.equal(await store.count(), 0)
      assert.deepEqual((await store.discover({ limit: 10 })).registrations, [])
      assert.deepEqual(await store.sample('chat', 10), [])
      assert.equal(await store.expire(), 1)
    })

    suite.test('reads never return expired registrations, and do not delete them', async (h) => {
      const store = await h.store()

      for (let i = 0; i < 20; i++) {
        await store.upsert(h.registration('chat', peerId(i), { ttl: i % 2 === 0 ? 10 : 20 }))
      }

      h.clock.advance(10_000)

      for (let i = 0; i < 3; i++) {
        const all = await discoverAll(store, 'chat', 3)
        assert.equal(all.length, 10)
        assert.ok(all.every(r => r.expiresAt > h.clock.now), 'discover returns only live registrations')
        const sample = await store.sample('chat', 20)
        assert.equal(sample.length, 10)
        assert.ok(sample.every(r => r.expiresAt > h.clock.now), 'sample returns only live registrations')
        assert.equal(await store.count(), 10)
        assert.equal(await store.countByPeer(peerId(0)), 0)
        assert.equal(await store.countByPeer(peerId(1)), 1)
      }

      assert.equal(await store.expire(), 10, 'the reads deleted nothing: expire() finds all ten')
    })

    suite.test('expire() deletes exactly the expired registrations', async (h) => {
      const store = await h.store()
      const inputs: NewRegistration[] = []
      const start = h.clock.now

      // expiries spread over 0..9 seconds, several at the same instant, over several namespaces and peers
      for (let i = 0; i < 60; i++) {
        const input = h.registration(`ns-${i % 4}`, peerId(i % 25), { expiresAt: start + ((i * 7) % 10) * 1000 + 1000, ttl: 1 })
        inputs.push(input)
        await store.upsert(input)
      }

      // the last upsert of each key is what is stored
      const stored = new Map<string, NewRegistration>()
      for (const input of inputs) { stored.set(`${input.namespace}/${input.peerId}`, input) }

      let total = 0

      for (let second = 0; second <= 11; second++) {
        h.clock.set(start + second * 1000)
        const due = [...stored.values()].filter(r => r.expiresAt <= h.clock.now)
        const expired = await store.expire()
        assert.equal(expired, due.length, `at second ${second}`)
        total += expired

        for (const r of due) { stored.delete(`${r.namespace}/${r.peerId}`) }

        const all = await discoverAll(store, undefined, 10)
        assert.equal(all.length, stored.size, `at second ${second}, the rest are still there`)
        for (const r of all) { assertRegistration(r, stored.get(`${r.namespace}/${r.peerId}`) as NewRegistration) }
        assert.equal(await store.count(), stored.size)
      }

      assert.equal(total, new Set(inputs.map(r => `${r.namespace}/${r.peerId}`)).size, 'every registration expired exactly once')
      assert.equal(await store.count(), 0)
    })

    suite.test('a refresh with a later expiry survives the old expiry', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1), { ttl: 10 }))
      await store.upsert(h.registration('chat', peerId(1), { ttl: 20 }))

      h.clock.advance(10_000)
      assert.equal(await store.expire(), 0, 'the old expiry no longer applies')
      assert.equal(await store.count(), 1)

      h.clock.advance(10_000)
      assert.equal(await store.expire(), 1)
      assert.equal(await store.count(), 0)
    })

    suite.test('the clock is read on every call', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1), { ttl: 10 }))
      assert.equal(await store.count(), 1)
      h.clock.advance(10_000)
      assert.equal(await store.count(), 0)
      h.clock.advance(-5_000)
      assert.equal(await store.count(), 1, 'a clock that goes back sees the registration live again, as it was not deleted')
    })
  })
}

/** How many of count, countByPeer, discover (one namespace and all) and sample see the registration */
async function liveEverywhere (store: RegistrationStore, namespace: string, peer: string): Promise<number> {
  let seen = 0
  if (await store.countByPeer(peer, { excludeNamespace: 'other' }) === 1) { seen++ }
  if ((await store.discover({ namespace, limit: 10 })).registrations.some(r => r.peerId === peer)) { seen++ }
  if ((await store.discover({ limit: 10 })).registrations.some(r => r.peerId === peer && r.namespace === namespace)) { seen++ }
  if ((await store.sample(namespace, 10)).some(r => r.peerId === peer)) { seen++ }
  return seen
}
