import assert from 'node:assert/strict'
import { peerId } from './harness.ts'
import type { Suite } from './suite.ts'

export function countTests (suite: Suite): void {
  suite.describe('count and countByPeer', () => {
    suite.test('count is the number of live registrations', async (h) => {
      const store = await h.store()
      assert.equal(await store.count(), 0, 'an empty store')

      for (let i = 0; i < 10; i++) {
        await store.upsert(h.registration(`ns-${i % 4}`, peerId(i), { ttl: i < 3 ? 60 : 600 }))
      }

      assert.equal(await store.count(), 10)
      await store.upsert(h.registration('ns-0', peerId(0), { ttl: 600 }))
      assert.equal(await store.count(), 10, 'a refresh does not add one')

      await store.remove('ns-1', peerId(1))
      assert.equal(await store.count(), 9)

      h.clock.advance(60_000)
      // peer 0 was refreshed with a longer TTL and peer 1 removed: only peer 2 expired
      assert.equal(await store.count(), 8, 'expired registrations do not count, before expire() has run')
      assert.equal(await store.expire(), 1)
      assert.equal(await store.count(), 8)
    })

    suite.test('countByPeer counts the live registrations of one peer', async (h) => {
      const store = await h.store()
      const me = peerId(1)
      await store.upsert(h.registration('a', me))
      await store.upsert(h.registration('b', me))
      await store.upsert(h.registration('c', me, { ttl: 30 }))
      await store.upsert(h.registration('a', peerId(2)))
      await store.upsert(h.registration('d', peerId(2)))

      assert.equal(await store.countByPeer(me), 3)
      assert.equal(await store.countByPeer(peerId(2)), 2)
      assert.equal(await store.countByPeer(peerId(3)), 0, 'an unknown peer')

      await store.upsert(h.registration('a', me))
      assert.equal(await store.countByPeer(me), 3, 'a refresh does not add one')

      h.clock.advance(30_000)
      assert.equal(await store.countByPeer(me), 2, 'an expired registration does not count, before expire() has run')
    })

    suite.test('countByPeer leaves out the excluded namespace', async (h) => {
      const store = await h.store()
      const me = peerId(1)
      await store.upsert(h.registration('a', me))
      await store.upsert(h.registration('b', me))
      await store.upsert(h.registration('ab', me))
      await store.upsert(h.registration('c', peerId(2)))

      assert.equal(await store.countByPeer(me, { excludeNamespace: 'a' }), 2)
      assert.equal(await store.countByPeer(me, { excludeNamespace: 'ab' }), 2)
      assert.equal(await store.countByPeer(me, { excludeNamespace: 'c' }), 3, 'excluding a namespace the peer is not in')
      assert.equal(await store.countByPeer(me, { excludeNamespace: 'zzz' }), 3, 'excluding an unknown namespace')
      assert.equal(await store.countByPeer(me, {}), 3)
      assert.equal(await store.countByPeer(peerId(2), { excludeNamespace: 'c' }), 0)
    })
  })
}
