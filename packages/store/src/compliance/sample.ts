import assert from 'node:assert/strict'
import { assertRegistration, chiSquare, chiSquareBound, peerId, sortedKeys } from './harness.ts'
import type { NewRegistration, RegistrationStore } from '../store.ts'
import type { Suite } from './suite.ts'

export function sampleTests (suite: Suite): void {
  suite.describe('sample', () => {
    suite.test('returns at most limit live registrations of the namespace, without repeats', async (h) => {
      const store = await h.store()
      const live = new Map<string, NewRegistration>()

      for (let i = 0; i < 12; i++) {
        const input = h.registration('chat', peerId(i))
        await store.upsert(input)
        live.set(input.peerId, input)
      }

      await store.upsert(h.registration('chat', peerId(100), { ttl: 1 }))
      await store.upsert(h.registration('chatter', peerId(101)))
      await store.upsert(h.registration('cha', peerId(102)))
      h.clock.advance(1_000)

      for (const limit of [1, 5, 11, 12, 13, 1000]) {
        for (let trial = 0; trial < 5; trial++) {
          const sample = await store.sample('chat', limit)
          assert.equal(sample.length, Math.min(limit, 12), `limit ${limit}`)
          assert.equal(new Set(sample.map(r => r.peerId)).size, sample.length, `limit ${limit}: no repeats`)

          for (const r of sample) {
            const input = live.get(r.peerId)
            assert.ok(input != null, `limit ${limit}: only live registrations of the namespace, got ${r.peerId} in ${r.namespace}`)
            assertRegistration(r, input)
          }
        }
      }

      assert.deepEqual(sortedKeys(await store.sample('chat', 12)), sortedKeys([...live.values()]), 'a limit of at least the count returns them all')
    })

    suite.test('a limit of 0 or an unknown namespace returns nothing', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))
      assert.deepEqual(await store.sample('chat', 0), [])
      assert.deepEqual(await store.sample('unknown', 10), [])
      assert.deepEqual(await store.sample('chat', 1).then(s => s.map(r => r.peerId)), [peerId(1)])
    })

    suite.test('a namespace whose registrations all expired or were removed returns nothing', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1), { ttl: 1 }))
      await store.upsert(h.registration('chat', peerId(2)))
      await store.remove('chat', peerId(2))
      h.clock.advance(1_000)
      assert.deepEqual(await store.sample('chat', 10), [])
    })

    suite.test('finds the few live registrations among many expired ones that expire() has not deleted yet', async (h) => {
      const store = await h.store()

      for (let i = 0; i < 40; i++) {
        await store.upsert(h.registration('chat', peerId(i), { ttl: i % 8 === 0 ? 3600 : 1 }))
      }

      h.clock.advance(1_000)
      const live = [0, 8, 16, 24, 32].map(peerId).sort()

      for (const limit of [1, 3, 5, 7, 12, 40]) {
        for (let trial = 0; trial < 10; trial++) {
          const sample = await store.sample('chat', limit)
          assert.equal(sample.length, Math.min(limit, 5), `limit ${limit}`)
          assert.equal(new Set(sample.map(r => r.peerId)).size, sample.length, 'no repeats')
          assert.ok(sample.every(r => live.includes(r.peerId)), 'only live registrations')
        }
      }

      assert.deepEqual((await store.sample('chat', 5)).map(r => r.peerId).sort(), live)
    })

    suite.test('is uniform: every live registration is equally likely', async (h) => {
      const store = await h.store()
      const namespace = 'uniform'

      // a history with removals, refreshes and expired registrations, so index bookkeeping is exercised
      for (let i = 0; i < 40; i++) {
        await store.upsert(h.registration(namespace, peerId(i), { ttl: i >= 34 ? 1 : 3600 }))
        await store.upsert(h.registration('noise', peerId(i)))
      }
      for (let i = 0; i < 10; i++) { await store.remove(namespace, peerId(i * 3)) }
      for (let i = 0; i < 40; i += 5) { await store.upsert(h.registration(namespace, peerId(i + 1), { ttl: 3600 })) }
      h.clock.advance(1_000)

      const live = (await liveKeys(store, namespace))
      assert.ok(live.length >= 20, `expected at least 20 live registrations, got ${live.length}`)

      await assertUniform(store, namespace, live, 5, 1200)
      await assertUniform(store, namespace, live, 1, 1500)
    }, { timeout: 30_000 })

    suite.test('is uniform over a small namespace', async (h) => {
      const store = await h.store()
      for (let i = 0; i < 3; i++) { await store.upsert(h.registration('small', peerId(i))) }
      await assertUniform(store, 'small', [peerId(0), peerId(1), peerId(2)], 1, 600)
      await assertUniform(store, 'small', [peerId(0), peerId(1), peerId(2)], 2, 600)
    }, { timeout: 30_000 })
  })
}

async function liveKeys (store: RegistrationStore, namespace: string): Promise<string[]> {
  const { registrations } = await store.discover({ namespace, limit: 100_000 })
  return registrations.map(r => r.peerId)
}

/**
 * Draw `trials` samples of `limit` and check that each live registration was picked about as often as the
 * others (chi-square, false failure rate about 1e-9).
 */
async function assertUniform (store: RegistrationStore, namespace: string, live: string[], limit: number, trials: number): Promise<void> {
  const counts = new Map(live.map(peer => [peer, 0]))

  for (let trial = 0; trial < trials; trial++) {
    const sample = await store.sample(namespace, limit)
    assert.equal(sample.length, Math.min(limit, live.length))
    assert.equal(new Set(sample.map(r => r.peerId)).size, sample.length, 'no repeats')

    for (const r of sample) {
      const count = counts.get(r.peerId)
      assert.ok(count !== undefined && r.namespace === namespace, `sampled ${r.peerId} in ${r.namespace}, which is not live in ${namespace}`)
      counts.set(r.peerId, count + 1)
    }
  }

  const observed = [...counts.values()]
  const statistic = chiSquare(observed)
  const bound = chiSquareBound(observed.length - 1)
  assert.ok(statistic < bound, `sample(${JSON.stringify(namespace)}, ${limit}) is not uniform over ${live.length} registrations: chi-square ${statistic.toFixed(1)} >= ${bound.toFixed(1)}; counts ${JSON.stringify(observed)}`)
}
