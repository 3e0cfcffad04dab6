import assert from 'node:assert/strict'
import { assertRegistration, assertRejectsWith, discoverAll, peerId, upsertAll } from './harness.ts'
import type { Registration, RegistrationStore, UpsertOptions } from '../store.ts'
import type { Suite } from './suite.ts'

/** Upserts racing at a limit: as many as a busy rendezvous point sees at once */
const RACERS = 64

/** How far below its limit the store (or the peer) is when the race starts */
const ROOM = 10

const BAD_LIMITS: unknown[] = [-1, 0.5, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53, '10', null]

/** Assert that a call rejects with RegistrationLimitError for the given limit */
async function assertRefused (call: () => Promise<unknown>, limit: 'peer' | 'store', message: string): Promise<void> {
  await assertRejectsWith(call, 'RegistrationLimitError', message)
  await call().then(() => assert.fail(`expected a refusal (${message})`), (err: any) => {
    assert.equal(err.limit, limit, `the error names the ${limit} limit (${message})`)
  })
}

/** Everything a store shows, to compare before and after a refused upsert */
async function snapshot (store: RegistrationStore, peers: string[]): Promise<unknown> {
  const all = await discoverAll(store, undefined, 50)
  return {
    all: all.map(r => [r.namespace, r.peerId, r.position, r.format, r.expiresAt]),
    count: await store.count(),
    perPeer: await Promise.all(peers.map(async peer => store.countByPeer(peer)))
  }
}

/** Run upserts at once and sort what happened: those stored, and the names and limits of the refusals */
async function race (store: RegistrationStore, upserts: Array<() => Promise<Registration>>): Promise<{ stored: Registration[], refusals: string[], others: string[] }> {
  const settled = await Promise.allSettled(upserts.map(async upsert => upsert()))
  const stored: Registration[] = []
  const refusals: string[] = []
  const others: string[] = []

  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') {
      stored.push(outcome.value)
    } else if (outcome.reason?.name === 'RegistrationLimitError') {
      refusals.push(outcome.reason.limit)
    } else {
      others.push(`${outcome.reason?.name}: ${outcome.reason?.message}`)
    }
  }

  return { stored, refusals, others }
}

export function capTests (suite: Suite): void {
  suite.describe('registration limits', () => {
    suite.test('without limits, or with Infinity, upserts are not refused', async (h) => {
      const store = await h.store()

      for (const options of [undefined, {}, { maxRegistrations: Infinity, maxRegistrationsPerPeer: Infinity }]) {
        for (let i = 0; i < 5; i++) {
          await store.upsert(h.registration(`ns-${i}-${JSON.stringify(options)}`, peerId(1)), options)
        }
      }

      assert.equal(await store.count(), 15)
    })

    suite.test('the store limit refuses a new registration when the store is full, and changes nothing', async (h) => {
      const store = await h.store()
      const options: UpsertOptions = { maxRegistrations: 5 }

      for (let i = 0; i < 5; i++) {
        await store.upsert(h.registration(`ns-${i % 2}`, peerId(i)), options)
      }

      const before = await snapshot(store, [peerId(5), peerId(0)])
      await assertRefused(() => store.upsert(h.registration('ns-0', peerId(5)), options), 'store', 'a new peer')
      await assertRefused(() => store.upsert(h.registration('ns-9', peerId(0)), options), 'store', 'a known peer in a new namespace')
      assert.deepEqual(await snapshot(store, [peerId(5), peerId(0)]), before, 'nothing changed')

      const refresh = h.registration('ns-0', peerId(0), { format: 'waku' })
      assertRegistration(await store.upsert(refresh, options), refresh, 'a refresh of a live registration is accepted at the limit')
      assert.equal(await store.count(), 5)

      await store.upsert(h.registration('ns-0', peerId(6)), { maxRegistrations: 6 })
      assert.equal(await store.count(), 6, 'a higher limit lets it in')

      await store.remove('ns-1', peerId(1))
      await store.upsert(h.registration('ns-1', peerId(7)), { maxRegistrations: 6 })
      assert.equal(await store.count(), 6, 'a removal makes room')
      await assertRefused(() => store.upsert(h.registration('ns-1', peerId(8)), { maxRegistrations: 0 }), 'store', 'a limit of 0')
    })

    suite.test('the peer limit refuses a new registration of a peer that holds enough, and changes nothing', async (h) => {
      const store = await h.store()
      const options: UpsertOptions = { maxRegistrationsPerPeer: 3 }

      for (let i = 0; i < 3; i++) {
        await store.upsert(h.registration(`ns-${i}`, peerId(1)), options)
      }

      const before = await snapshot(store, [peerId(1), peerId(2)])
      await assertRefused(() => store.upsert(h.registration('ns-3', peerId(1)), options), 'peer', 'a fourth namespace')
      assert.deepEqual(await snapshot(store, [peerId(1), peerId(2)]), before, 'nothing changed')

      const refresh = h.registration('ns-2', peerId(1))
      assertRegistration(await store.upsert(refresh, options), refresh, 'a refresh of a live registration is accepted at the limit')
      await store.upsert(h.registration('ns-3', peerId(2)), options)
      assert.equal(await store.countByPeer(peerId(2)), 1, 'other peers are not limited by it')

      await store.remove('ns-0', peerId(1))
      await store.upsert(h.registration('ns-3', peerId(1)), options)
      assert.equal(await store.countByPeer(peerId(1)), 3, 'a removal makes room')
      await assertRefused(() => store.upsert(h.registration('ns-0', peerId(3)), { maxRegistrationsPerPeer: 0 }), 'peer', 'a limit of 0')
    })

    suite.test('the peer limit is checked before the store limit', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('a', peerId(1)))
      await store.upsert(h.registration('b', peerId(1)))
      await assertRefused(() => store.upsert(h.registration('c', peerId(1)), { maxRegistrations: 2, maxRegistrationsPerPeer: 2 }), 'peer', 'both reached')
      await assertRefused(() => store.upsert(h.registration('c', peerId(2)), { maxRegistrations: 2, maxRegistrationsPerPeer: 2 }), 'store', 'only the store limit reached')
      assert.equal(await store.count(), 2)
    })

    suite.test('only live registrations count, and an expired one of the same key is new, not a refresh', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1), { ttl: 1 }))
      await store.upsert(h.registration('chat', peerId(2)))
      await store.upsert(h.registration('chat', peerId(3)))
      h.clock.advance(1_000)

      // peerId(1)'s registration has expired but expire() has not run: the store holds 2 live ones
      await store.upsert(h.registration('other', peerId(4)), { maxRegistrations: 3 })
      assert.equal(await store.count(), 3)
      await assertRefused(() => store.upsert(h.registration('chat', peerId(1)), { maxRegistrations: 3 }), 'store', 'the expired key is a new registration')

      await store.upsert(h.registration('a', peerId(5), { ttl: 1 }))
      await store.upsert(h.registration('b', peerId(5), { ttl: 1 }))
      h.clock.advance(1_000)
      await store.upsert(h.registration('c', peerId(5)), { maxRegistrationsPerPeer: 1 })
      await assertRefused(() => store.upsert(h.registration('a', peerId(5)), { maxRegistrationsPerPeer: 1 }), 'peer', 'the expired key of the peer is a new registration')
      assert.equal(await store.countByPeer(peerId(5)), 1)
    })

    suite.test('bad limits reject with InvalidArgumentError and change nothing', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))
      const before = await snapshot(store, [peerId(1), peerId(2)])

      for (const value of BAD_LIMITS) {
        await assertRejectsWith(() => store.upsert(h.registration('chat', peerId(2)), { maxRegistrations: value } as any), 'InvalidArgumentError', `maxRegistrations ${String(value)}`)
        await assertRejectsWith(() => store.upsert(h.registration('chat', peerId(1)), { maxRegistrationsPerPeer: value } as any), 'InvalidArgumentError', `maxRegistrationsPerPeer ${String(value)}, a refresh`)
      }

      await assertRejectsWith(() => store.upsert(h.registration('chat', peerId(2)), 5 as any), 'InvalidArgumentError', 'options that are not an object')
      assert.deepEqual(await snapshot(store, [peerId(1), peerId(2)]), before, 'nothing changed')
    })

    suite.test(`${RACERS} new peers racing at the store limit: exactly the limit is stored, the rest refused`, async (h) => {
      const store = await h.store()
      const cap = 100
      await upsertAll(store, Array.from({ length: cap - ROOM }, (_, i) => h.registration(`ns-${i % 3}`, peerId(i))))

      const racers = Array.from({ length: RACERS }, (_, i) => h.registration(`ns-${i % 3}`, peerId(1000 + i)))
      const { stored, refusals, others } = await race(store, racers.map(input => async () => store.upsert(input, { maxRegistrations: cap, maxRegistrationsPerPeer: 5 })))

      assert.deepEqual(others, [], 'no other errors')
      assert.equal(stored.length, ROOM, `exactly ${ROOM} were stored`)
      assert.deepEqual(refusals, new Array(RACERS - ROOM).fill('store'), `exactly ${RACERS - ROOM} RegistrationLimitError of the store limit`)
      assert.equal(await store.count(), cap, 'the store holds exactly its limit')

      const all = await discoverAll(store, undefined, 40)
      assert.equal(all.length, cap, 'and discover agrees')
      const present = new Set(all.map(r => r.peerId))
      for (const racer of racers) {
        assert.equal(present.has(racer.peerId), stored.some(s => s.peerId === racer.peerId), `${racer.peerId} is stored if and only if its upsert resolved`)
      }
    }, { timeout: 30_000 })

    suite.test(`${RACERS} new namespaces of one peer racing at its limit: exactly the limit is stored, the rest refused`, async (h) => {
      const store = await h.store()
      const cap = 30
      await upsertAll(store, Array.from({ length: cap - ROOM }, (_, i) => h.registration(`held-${i}`, peerId(1))))
      await store.upsert(h.registration('held-0', peerId(2)))

      const { stored, refusals, others } = await race(store, Array.from({ length: RACERS }, (_, i) => async () => store.upsert(h.registration(`new-${i}`, peerId(1)), { maxRegistrationsPerPeer: cap, maxRegistrations: 10_000 })))

      assert.deepEqual(others, [], 'no other errors')
      assert.equal(stored.length, ROOM, `exactly ${ROOM} were stored`)
      assert.deepEqual(refusals, new Array(RACERS - ROOM).fill('peer'), `exactly ${RACERS - ROOM} RegistrationLimitError of the peer limit`)
      assert.equal(await store.countByPeer(peerId(1)), cap, 'the peer holds exactly its limit')
      assert.equal(await store.count(), cap + 1)
      assert.equal((await discoverAll(store, undefined, 40)).filter(r => r.peerId === peerId(1)).length, cap, 'and discover agrees')
    }, { timeout: 30_000 })

    suite.test('refreshes racing with new registrations at the limit are all accepted', async (h) => {
      const store = await h.store()
      const cap = 40
      await upsertAll(store, Array.from({ length: cap - ROOM }, (_, i) => h.registration('chat', peerId(i))))

      // the first 30 refresh, the other 34 are new: refreshes never take room, so all 30 and exactly 10 new ones get in
      const { stored, refusals, others } = await race(store, Array.from({ length: RACERS }, (_, i) => async () => store.upsert(h.registration('chat', peerId(i)), { maxRegistrations: cap })))

      assert.deepEqual(others, [], 'no other errors')
      assert.equal(stored.length, cap, `the ${cap - ROOM} refreshes and ${ROOM} new ones`)
      for (let i = 0; i < cap - ROOM; i++) {
        assert.ok(stored.some(r => r.peerId === peerId(i)), `the refresh of peer ${i} was accepted`)
      }
      assert.deepEqual(refusals, new Array(RACERS - cap).fill('store'))
      assert.equal(await store.count(), cap)
    }, { timeout: 30_000 })
  })
}
