import assert from 'node:assert/strict'
import { assertAscending, assertRegistration, assertRejectsWith, chiSquare, chiSquareBound, discoverAll, keys, peerId, sortedKeys } from './harness.ts'
import type { NewRegistration, Registration } from '../store.ts'
import type { Suite } from './suite.ts'

/** The record formats the tests use, as a rendezvous point names them */
const FORMATS = ['standard', 'rust-legacy', 'waku'] as const

/** Every subset of {@link FORMATS}, the empty one included */
const FORMAT_SUBSETS: string[][] = [[], ['standard'], ['rust-legacy'], ['waku'], ['standard', 'waku'], ['rust-legacy', 'waku'], ['waku', 'standard', 'rust-legacy']]

/** Formats and filters that are not 1 to 32 bytes of [a-z0-9-] */
const BAD_FORMATS: unknown[] = ['', 'x'.repeat(33), 'Standard', 'rust_legacy', 'waku ', 'wakü', 'a\u0000', 7, null, undefined]
const BAD_FILTERS: unknown[] = ['standard', ['Standard'], [''], ['waku', 7], [null], {}, null]

/** The registration key of a registration */
function keyOf (r: { namespace: string, peerId: string }): string {
  return `${JSON.stringify(r.namespace)}/${r.peerId}`
}

export function formatTests (suite: Suite): void {
  suite.describe('record formats', () => {
    suite.test('the format comes back as stored, from upsert, discover and sample', async (h) => {
      const store = await h.store()
      const inputs = [
        h.registration('chat', peerId(1), { format: 'standard' }),
        h.registration('chat', peerId(2), { format: 'rust-legacy' }),
        h.registration('chat', peerId(3), { format: 'waku' }),
        h.registration('chat', peerId(4), { format: 'x'.repeat(32) }),
        h.registration('chat', peerId(5), { format: '0-9' })
      ]

      for (const input of inputs) {
        assertRegistration(await store.upsert(input), input, 'what upsert resolves')
      }

      const { registrations } = await store.discover({ namespace: 'chat', limit: 10 })
      assert.equal(registrations.length, inputs.length)
      registrations.forEach((r, i) => { assertRegistration(r, inputs[i], 'discover') })

      for (const r of await store.sample('chat', 10)) {
        assertRegistration(r, inputs.find(input => input.peerId === r.peerId) as NewRegistration, 'sample')
      }
    })

    suite.test('a refresh may change the format, and the filters follow it', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1), { format: 'rust-legacy' }))
      await store.upsert(h.registration('chat', peerId(2), { format: 'standard' }))
      const refreshed = h.registration('chat', peerId(1), { format: 'standard' })
      assertRegistration(await store.upsert(refreshed), refreshed)

      assert.deepEqual((await store.discover({ limit: 10, formats: ['rust-legacy'] })).registrations, [], 'not under its old format')
      assert.deepEqual((await store.discover({ namespace: 'chat', limit: 10, formats: ['rust-legacy'] })).registrations, [])
      assert.deepEqual(await store.sample('chat', 10, { formats: ['rust-legacy'] }), [])
      assert.deepEqual((await store.discover({ limit: 10, formats: ['standard'] })).registrations.map(r => r.peerId), [peerId(2), peerId(1)], 'under its new one, at its new position')
      assert.deepEqual(sortedKeys(await store.sample('chat', 10, { formats: ['standard'] })), sortedKeys([refreshed, { namespace: 'chat', peerId: peerId(2) }]))
      assert.equal(await store.count(), 2)
    })

    suite.test('a bad format rejects with InvalidRegistrationError and changes nothing', async (h) => {
      const store = await h.store()
      const first = await store.upsert(h.registration('chat', peerId(1), { format: 'waku' }))

      for (const format of BAD_FORMATS) {
        const label = JSON.stringify(format) ?? String(format)
        await assertRejectsWith(() => store.upsert({ ...h.registration('chat', peerId(2)), format } as any), 'InvalidRegistrationError', `a new registration in format ${label}`)
        await assertRejectsWith(() => store.upsert({ ...h.registration('chat', peerId(1)), format } as any), 'InvalidRegistrationError', `a refresh in format ${label}`)
      }

      const { registrations } = await store.discover({ limit: 10 })
      assert.equal(registrations.length, 1, 'nothing was stored')
      assertRegistration(registrations[0], first, 'the refreshed registration is as it was')
      assert.equal(await store.count(), 1)
      assert.equal(await store.countByPeer(peerId(2)), 0)
    })

    suite.test('a bad format filter rejects with InvalidArgumentError', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))

      for (const formats of BAD_FILTERS) {
        const label = JSON.stringify(formats)
        await assertRejectsWith(() => store.discover({ limit: 10, formats } as any), 'InvalidArgumentError', `discover, formats ${label}`)
        await assertRejectsWith(() => store.discover({ namespace: 'chat', limit: 10, formats } as any), 'InvalidArgumentError', `discover in a namespace, formats ${label}`)
        await assertRejectsWith(() => store.sample('chat', 10, { formats } as any), 'InvalidArgumentError', `sample, formats ${label}`)
      }

      await assertRejectsWith(() => store.sample('chat', 10, null as any), 'InvalidArgumentError', 'sample, options null')
      assert.equal(await store.count(), 1)
    })

    suite.test('discover returns only the listed formats; an empty list returns none', async (h) => {
      const store = await h.store()
      const stored: Registration[] = []

      for (let i = 0; i < 30; i++) {
        stored.push(await store.upsert(h.registration(i % 2 === 0 ? 'even' : 'odd', peerId(i), { format: FORMATS[i % 3] })))
      }

      for (const formats of FORMAT_SUBSETS) {
        const all = await store.discover({ limit: 100, formats })
        assert.deepEqual(keys(all.registrations), keys(stored.filter(r => formats.includes(r.format))), `all namespaces, formats ${JSON.stringify(formats)}`)
        assert.equal(all.position, all.registrations.length === 0 ? 0 : all.registrations[all.registrations.length - 1].position)

        for (const namespace of ['even', 'odd']) {
          const page = await store.discover({ namespace, limit: 100, formats })
          assert.deepEqual(keys(page.registrations), keys(stored.filter(r => r.namespace === namespace && formats.includes(r.format))), `${namespace}, formats ${JSON.stringify(formats)}`)
        }
      }

      assert.deepEqual(await store.discover({ after: stored[3].position, limit: 100, formats: [] }), { registrations: [], position: stored[3].position }, 'an empty list keeps the position it was given')
      assert.deepEqual(await store.discover({ namespace: 'even', limit: 100, formats: ['unknown'] }), { registrations: [], position: 0 }, 'a format nobody registered')
      assert.deepEqual(await store.discover({ limit: 0, formats: ['standard'] }), { registrations: [], position: 0 })
      assert.deepEqual(keys((await store.discover({ limit: 100, formats: ['waku', 'waku'] })).registrations), keys(stored.filter(r => r.format === 'waku')), 'a format listed twice')
    })

    suite.test('paging with a filter over interleaved formats returns each matching registration exactly once, in order', async (h) => {
      const store = await h.store()
      const namespaces = ['a', 'b']
      const live = new Map<string, NewRegistration>()

      // runs of each format of varying lengths, so pages end inside runs of other formats; with refreshes
      // that change the format, removals, and registrations that expire
      for (let i = 0; i < 300; i++) {
        const format = FORMATS[Math.floor(i / (1 + (i % 5))) % 3]
        const namespace = namespaces[(i * 7) % 2]
        const peer = peerId(i % 110)
        const input = h.registration(namespace, peer, { format, ttl: i % 17 === 0 ? 5 : 3600 })
        await store.upsert(input)
        live.set(keyOf(input), input)

        if (i % 19 === 0) {
          await store.remove(namespace, peer)
          live.delete(keyOf(input))
        }
      }

      h.clock.advance(5_000)
      for (const [key, input] of live) {
        if (input.expiresAt <= h.clock.now) { live.delete(key) }
      }

      for (const formats of FORMAT_SUBSETS.slice(1)) {
        for (const pageSize of [1, 2, 7, 1000]) {
          const label = `formats ${JSON.stringify(formats)}, page size ${pageSize}`
          const all = await discoverAll(store, { formats }, pageSize)
          assertAscending(all, label)
          assert.deepEqual(keys(all).sort(), [...live.values()].filter(r => formats.includes(r.format)).map(keyOf).sort(), `${label}: each matching registration exactly once`)
          for (const r of all) { assertRegistration(r, live.get(keyOf(r)) as NewRegistration, label) }

          for (const namespace of namespaces) {
            const inNamespace = await discoverAll(store, { namespace, formats }, pageSize)
            assertAscending(inNamespace, `${label}, namespace ${namespace}`)
            assert.deepEqual(sortedKeys(inNamespace), sortedKeys([...live.values()].filter(r => r.namespace === namespace && formats.includes(r.format))), `${label}, namespace ${namespace}`)
          }
        }
      }
    })

    suite.test('a filtered page is full when enough registrations match beyond many that do not', async (h) => {
      const store = await h.store()
      const wanted: Registration[] = []

      // a few registrations of the wanted format behind long runs of others
      for (let i = 0; i < 400; i++) {
        const format = i % 50 === 49 ? 'waku' : FORMATS[i % 2]
        const registration = await store.upsert(h.registration('chat', peerId(i), { format }))
        if (format === 'waku') { wanted.push(registration) }
      }

      const page = await store.discover({ namespace: 'chat', limit: 5, formats: ['waku'] })
      assert.deepEqual(keys(page.registrations), keys(wanted.slice(0, 5)), 'the first five of the format')
      assert.equal(page.position, wanted[4].position)

      const rest = await store.discover({ namespace: 'chat', after: page.position, limit: 5, formats: ['waku'] })
      assert.deepEqual(keys(rest.registrations), keys(wanted.slice(5)))
      assert.equal(rest.position, wanted[7].position)

      const none = await store.discover({ namespace: 'chat', after: rest.position, limit: 5, formats: ['waku'] })
      assert.deepEqual(none, { registrations: [], position: rest.position }, 'past the last match, the position stays, though other formats follow')
    })

    suite.test('sample returns only live registrations of the listed formats, without repeats', async (h) => {
      const store = await h.store()
      const stored: NewRegistration[] = []

      for (let i = 0; i < 30; i++) {
        const input = h.registration('chat', peerId(i), { format: FORMATS[i % 3], ttl: i % 7 === 0 ? 1 : 3600 })
        await store.upsert(input)
        stored.push(input)
      }

      await store.upsert(h.registration('other', peerId(100), { format: 'waku' }))
      h.clock.advance(1_000)
      const live = stored.filter(r => r.expiresAt > h.clock.now)

      for (const formats of FORMAT_SUBSETS) {
        const matching = live.filter(r => formats.includes(r.format))

        for (const limit of [0, 1, 3, matching.length, 100]) {
          const sample = await store.sample('chat', limit, { formats })
          const label = `formats ${JSON.stringify(formats)}, limit ${limit}`
          assert.equal(sample.length, Math.min(limit, matching.length), label)
          assert.equal(new Set(sample.map(r => r.peerId)).size, sample.length, `${label}: no repeats`)
          for (const r of sample) {
            const input = matching.find(m => m.peerId === r.peerId && m.namespace === r.namespace)
            assert.ok(input != null, `${label}: ${r.peerId} in ${r.namespace} (${r.format}) is not a live one of the formats`)
            assertRegistration(r, input, label)
          }
        }

        assert.deepEqual(sortedKeys(await store.sample('chat', 100, { formats })), sortedKeys(matching), `formats ${JSON.stringify(formats)}: a limit of at least the count returns them all`)
      }

      assert.deepEqual(await store.sample('chat', 10, { formats: ['unknown'] }), [])
      assert.equal((await store.sample('chat', 100, {})).length, live.length, 'no formats option: every format')
    })

    suite.test('sample with formats is uniform over the matching registrations', async (h) => {
      const store = await h.store()
      const namespace = 'uniform'

      // the wanted formats are a minority among others, with removals, refreshes and expired ones
      for (let i = 0; i < 60; i++) {
        await store.upsert(h.registration(namespace, peerId(i), { format: FORMATS[i % 3], ttl: i >= 54 ? 1 : 3600 }))
      }
      for (let i = 0; i < 6; i++) { await store.remove(namespace, peerId(i * 9)) }
      for (let i = 1; i < 60; i += 10) { await store.upsert(h.registration(namespace, peerId(i), { format: 'waku', ttl: 3600 })) }
      h.clock.advance(1_000)

      for (const formats of [['waku'], ['rust-legacy', 'waku']]) {
        const matching = (await store.discover({ namespace, limit: 1000, formats })).registrations.map(r => r.peerId)
        assert.ok(matching.length >= 15, `expected at least 15 matching registrations, got ${matching.length}`)

        for (const [limit, trials] of [[1, 1200], [4, 600]]) {
          const counts = new Map(matching.map(peer => [peer, 0]))

          for (let trial = 0; trial < trials; trial++) {
            const sample = await store.sample(namespace, limit, { formats })
            assert.equal(sample.length, limit)
            assert.equal(new Set(sample.map(r => r.peerId)).size, sample.length, 'no repeats')
            for (const r of sample) {
              const count = counts.get(r.peerId)
              assert.ok(count !== undefined, `sampled ${r.peerId} (${r.format}), which is not live in the formats ${JSON.stringify(formats)}`)
              counts.set(r.peerId, count + 1)
            }
          }

          const observed = [...counts.values()]
          const statistic = chiSquare(observed)
          const bound = chiSquareBound(observed.length - 1)
          assert.ok(statistic < bound, `sample(limit ${limit}, formats ${JSON.stringify(formats)}) is not uniform over ${matching.length}: chi-square ${statistic.toFixed(1)} >= ${bound.toFixed(1)}; counts ${JSON.stringify(observed)}`)
        }
      }
    }, { timeout: 30_000 })

    if (suite.persistent) {
      suite.test('the format survives a reopen, and the filters work on what was reopened', async (h) => {
        let store = await h.store()
        const inputs = FORMATS.map((format, i) => h.registration('chat', peerId(i), { format }))
        for (const input of inputs) { await store.upsert(input) }

        store = await h.reopen()
        const { registrations } = await store.discover({ namespace: 'chat', limit: 10 })
        registrations.forEach((r, i) => { assertRegistration(r, inputs[i], 'after a reopen') })
        assert.deepEqual((await store.discover({ limit: 10, formats: ['rust-legacy'] })).registrations.map(r => r.peerId), [peerId(1)])
        assert.deepEqual((await store.sample('chat', 10, { formats: ['waku'] })).map(r => r.peerId), [peerId(2)])
      })
    }
  })
}
