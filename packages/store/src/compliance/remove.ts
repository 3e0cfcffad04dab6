import assert from 'node:assert/strict'
import { discoverAll, peerId, sortedKeys } from './harness.ts'
import type { Suite } from './suite.ts'

export function removeTests (suite: Suite): void {
  suite.describe('remove and removePeer', () => {
    suite.test('remove deletes one (namespace, peer ID) and reports whether it was there', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('a', peerId(1)))
      await store.upsert(h.registration('b', peerId(1)))
      await store.upsert(h.registration('a', peerId(2)))

      assert.equal(await store.remove('a', peerId(1)), true)
      assert.equal(await store.remove('a', peerId(1)), false, 'a second remove finds nothing')
      assert.equal(await store.remove('c', peerId(1)), false, 'an unknown namespace')
      assert.equal(await store.remove('a', peerId(3)), false, 'an unknown peer')

      assert.equal(await store.count(), 2)
      assert.equal(await store.countByPeer(peerId(1)), 1)
      assert.deepEqual(sortedKeys(await discoverAll(store)), sortedKeys([
        { namespace: 'b', peerId: peerId(1) },
        { namespace: 'a', peerId: peerId(2) }
      ]))
      assert.deepEqual((await store.sample('a', 10)).map(r => r.peerId), [peerId(2)])
    })

    suite.test('a removed registration can register again, at the end of the order', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('a', peerId(1)))
      await store.upsert(h.registration('a', peerId(2)))
      await store.remove('a', peerId(1))
      const again = await store.upsert(h.registration('a', peerId(1)))

      const all = await discoverAll(store, 'a')
      assert.deepEqual(all.map(r => r.peerId), [peerId(2), peerId(1)])
      assert.equal(all[1].position, again.position)
    })

    suite.test('a removed registration is not expired later', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('a', peerId(1), { ttl: 10 }))
      await store.upsert(h.registration('a', peerId(2), { ttl: 10 }))
      await store.remove('a', peerId(1))
      await store.removePeer(peerId(2))

      h.clock.advance(10_000)
      assert.equal(await store.expire(), 0, 'expire counts only what it deletes')
    })

    suite.test('removePeer deletes every registration of one peer and resolves how many', async (h) => {
      const store = await h.store()

      for (const namespace of ['a', 'b', 'c']) {
        await store.upsert(h.registration(namespace, peerId(1)))
        await store.upsert(h.registration(namespace, peerId(2)))
      }

      assert.equal(await store.removePeer(peerId(1)), 3)
      assert.equal(await store.removePeer(peerId(1)), 0, 'nothing left to remove')
      assert.equal(await store.removePeer(peerId(9)), 0, 'an unknown peer')
      assert.equal(await store.countByPeer(peerId(1)), 0)
      assert.equal(await store.countByPeer(peerId(2)), 3, 'other peers are untouched')
      assert.equal(await store.count(), 3)

      for (const namespace of ['a', 'b', 'c']) {
        assert.deepEqual((await discoverAll(store, namespace)).map(r => r.peerId), [peerId(2)])
        assert.deepEqual((await store.sample(namespace, 10)).map(r => r.peerId), [peerId(2)])
      }
    })

    suite.test('removePeer does not touch peers whose ID starts with the same characters', async (h) => {
      const store = await h.store()
      const short = 'QmPeer'
      const long = 'QmPeer1'
      const longer = 'QmPeer1x'
      await store.upsert(h.registration('a', short))
      await store.upsert(h.registration('a', long))
      await store.upsert(h.registration('a', longer))
      await store.upsert(h.registration('a1', short))

      assert.equal(await store.removePeer(long), 1)
      assert.deepEqual(sortedKeys(await discoverAll(store)), sortedKeys([
        { namespace: 'a', peerId: short },
        { namespace: 'a', peerId: longer },
        { namespace: 'a1', peerId: short }
      ]))
      assert.equal(await store.countByPeer(short), 2)
      assert.equal(await store.countByPeer(longer), 1)
      assert.equal(await store.remove('a', short), true)
      assert.equal(await store.countByPeer(short), 1)
    })
  })
}
