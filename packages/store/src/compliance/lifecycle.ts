// the calls under test are passed as plain (not async) functions: an async wrapper would turn a synchronous throw into a rejection and hide it
import assert from 'node:assert/strict'
import { assertRegistration, assertRejectsWith, discoverAll, envelope, peerId } from './harness.ts'
import { LONGEST_NAMESPACES, TRICKY_NAMESPACES } from './namespaces.ts'
import type { NewRegistration, Registration, RegistrationStore } from '../store.ts'
import type { Suite } from './suite.ts'

export function lifecycleTests (suite: Suite): void {
  suite.describe('close', () => {
    suite.test('close resolves, and closing again resolves too', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))
      await store.close()
      await store.close()
    })

    suite.test('every method rejects with StoreClosedError after close', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))
      await store.close()
      await assertClosed(store, h.registration('chat', peerId(2)))
    })

    suite.test('a closed store rejects every call with StoreClosedError first, even with bad arguments', async (h) => {
      const store = await h.store()
      await store.close()
      // one order in every adapter (GuardedStore): closed, then the arguments, then the backend
      await assertRejectsWith(() => store.discover({ limit: -1 }), 'StoreClosedError', 'discover')
      await assertRejectsWith(() => store.sample('', 1), 'StoreClosedError', 'sample')
      await assertRejectsWith(() => store.upsert({ ...h.registration('chat', peerId(1)), format: 'NOT A FORMAT' }), 'StoreClosedError', 'upsert')
    })
  })

  if (!suite.persistent) {
    return
  }

  suite.describe('persistence', () => {
    suite.test('reopening after close keeps every registration, byte for byte, with its position', async (h) => {
      let store = await h.store()
      const stored: Registration[] = []
      const namespaces = [...LONGEST_NAMESPACES, ...TRICKY_NAMESPACES]

      for (const [i, namespace] of namespaces.entries()) {
        stored.push(await store.upsert(h.registration(namespace, peerId(i % 7), { signedPeerRecord: envelope(i, 100 + i * 13) })))
      }

      await store.remove(namespaces[3], peerId(3))
      stored.splice(3, 1)
      const before = await discoverAll(store)

      store = await h.reopen()
      const after = await discoverAll(store)
      assert.equal(after.length, stored.length, 'every registration is there, and the removed one stays removed')
      after.forEach((r, i) => { assertRegistration(r, stored[i], `registration ${i}`) })
      assert.deepEqual(after.map(r => r.position), before.map(r => r.position))
      assert.equal(await store.count(), stored.length)
      assert.equal(await store.countByPeer(peerId(0)), stored.filter(r => r.peerId === peerId(0)).length)

      for (const namespace of namespaces) {
        assert.deepEqual((await store.sample(namespace, 10)).map(r => r.peerId), stored.filter(r => r.namespace === namespace).map(r => r.peerId))
      }
    })

    suite.test('positions never go backwards across a reopen, even when the newest registrations were removed', async (h) => {
      let store = await h.store()
      let highest = 0

      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 10; i++) {
          const r = await store.upsert(h.registration('chat', peerId(i)))
          assert.ok(r.position > highest, `round ${round}: position ${r.position} after ${highest}`)
          highest = r.position
        }

        // remove the newest ones, so the highest position left in the store is below the counter
        for (let i = 5; i < 10; i++) { await store.remove('chat', peerId(i)) }
        store = await h.reopen()
      }

      await store.removePeer(peerId(0))
      for (let i = 0; i < 10; i++) { await store.remove('chat', peerId(i)) }
      assert.equal(await store.count(), 0)
      store = await h.reopen()

      const next = await store.upsert(h.registration('chat', peerId(1)))
      assert.ok(next.position > highest, `an emptied and reopened store continues after ${highest}, got ${next.position}`)
    })

    suite.test('expiry works after a reopen, and the clock decides what is live', async (h) => {
      let store = await h.store()
      const short: NewRegistration[] = []

      for (let i = 0; i < 10; i++) {
        const input = h.registration(`ns-${i % 2}`, peerId(i), { ttl: i < 4 ? 10 : 3600 })
        if (i < 4) { short.push(input) }
        await store.upsert(input)
      }

      await store.close()
      h.clock.advance(10_000)
      store = await h.open()

      assert.equal(await store.count(), 6, 'expired while closed: not live after reopening')
      assert.equal((await discoverAll(store)).length, 6)
      assert.equal(await store.expire(), 4)
      assert.equal(await store.expire(), 0)

      store = await h.reopen()
      assert.equal(await store.count(), 6, 'what expire() deleted stays deleted')
      assert.equal(await store.expire(), 0)
    })

    suite.test('a refresh and a removal survive a reopen', async (h) => {
      let store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))
      await store.upsert(h.registration('chat', peerId(2)))
      const refresh = h.registration('chat', peerId(1), { ttl: 60, signedPeerRecord: envelope(99) })
      const refreshed = await store.upsert(refresh)
      await store.removePeer(peerId(2))

      store = await h.reopen()
      const all = await discoverAll(store)
      assert.equal(all.length, 1)
      assertRegistration(all[0], { ...refresh, position: refreshed.position })
      h.clock.advance(60_000)
      assert.equal(await store.expire(), 1, 'the refreshed expiry is the one that counts')
    })

    suite.test('the reopened store is usable and closes again', async (h) => {
      let store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))
      store = await h.reopen()
      await store.upsert(h.registration('chat', peerId(2)))
      store = await h.reopen()
      assert.equal(await store.count(), 2)
      await store.close()
      await assertClosed(store, h.registration('chat', peerId(3)))
    })
  })
}

async function assertClosed (store: RegistrationStore, registration: NewRegistration): Promise<void> {
  await assertRejectsWith(() => store.upsert(registration), 'StoreClosedError', 'upsert')
  await assertRejectsWith(() => store.remove('chat', peerId(1)), 'StoreClosedError', 'remove')
  await assertRejectsWith(() => store.removePeer(peerId(1)), 'StoreClosedError', 'removePeer')
  await assertRejectsWith(() => store.countByPeer(peerId(1)), 'StoreClosedError', 'countByPeer')
  await assertRejectsWith(() => store.countByPeer(peerId(1), { excludeNamespace: 'x' }), 'StoreClosedError', 'countByPeer')
  await assertRejectsWith(() => store.discover({ limit: 10 }), 'StoreClosedError', 'discover')
  await assertRejectsWith(() => store.discover({ namespace: 'chat', after: 1, limit: 10 }), 'StoreClosedError', 'discover')
  await assertRejectsWith(() => store.sample('chat', 10), 'StoreClosedError', 'sample')
  await assertRejectsWith(() => store.expire(), 'StoreClosedError', 'expire')
  await assertRejectsWith(() => store.count(), 'StoreClosedError', 'count')
}
