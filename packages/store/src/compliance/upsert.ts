import assert from 'node:assert/strict'
import { bytesEqual } from '../registration.ts'
import { assertAscending, assertRegistration, discoverAll, envelope, peerId, sortedKeys } from './harness.ts'
import type { Suite } from './suite.ts'

export function upsertTests (suite: Suite): void {
  suite.describe('upsert', () => {
    suite.test('returns the stored registration with a positive position', async (h) => {
      const store = await h.store()
      const input = h.registration('chat', peerId(1))
      const stored = await store.upsert(input)
      assertRegistration(stored, input)

      const { registrations } = await store.discover({ namespace: 'chat', limit: 10 })
      assert.equal(registrations.length, 1)
      assertRegistration(registrations[0], { ...input, position: stored.position })
    })

    suite.test('gives each upsert a strictly greater position', async (h) => {
      const store = await h.store()
      let last = 0

      for (let i = 0; i < 50; i++) {
        const stored = await store.upsert(h.registration(`ns-${i % 3}`, peerId(i)))
        assert.ok(stored.position > last, `upsert ${i}: position ${stored.position} after ${last}`)
        last = stored.position
      }
    })

    suite.test('keys registrations by (namespace, peer ID)', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('a', peerId(1)))
      await store.upsert(h.registration('b', peerId(1)))
      await store.upsert(h.registration('a', peerId(2)))

      assert.equal(await store.count(), 3)
      assert.deepEqual(sortedKeys(await discoverAll(store)), sortedKeys([
        { namespace: 'a', peerId: peerId(1) },
        { namespace: 'b', peerId: peerId(1) },
        { namespace: 'a', peerId: peerId(2) }
      ]))
    })

    suite.test('a refresh replaces the record and moves it to the end of the order', async (h) => {
      const store = await h.store()
      const first = await store.upsert(h.registration('chat', peerId(1), { ttl: 60 }))
      await store.upsert(h.registration('chat', peerId(2)))
      await store.upsert(h.registration('other', peerId(3)))

      h.clock.advance(5_000)
      const refresh = h.registration('chat', peerId(1), { ttl: 3600 })
      const refreshed = await store.upsert(refresh)

      assert.ok(refreshed.position > first.position, 'the refresh takes a new, higher position')
      assertRegistration(refreshed, refresh)
      assert.equal(await store.count(), 3, 'still one registration per (namespace, peer ID)')
      assert.equal(await store.countByPeer(peerId(1)), 1)

      const inNamespace = await discoverAll(store, 'chat')
      assert.deepEqual(inNamespace.map(r => r.peerId), [peerId(2), peerId(1)], 'the refreshed registration comes last in its namespace')
      assertRegistration(inNamespace[1], { ...refresh, position: refreshed.position }, 'the new fields replace the old ones')

      const everywhere = await discoverAll(store)
      assert.deepEqual(everywhere.map(r => r.peerId), [peerId(2), peerId(3), peerId(1)], 'and last across all namespaces')
      assertAscending(everywhere)

      // a cookie taken before the refresh sees it again, at its new place
      const resumed = await store.discover({ namespace: 'chat', after: first.position, limit: 10 })
      assert.deepEqual(resumed.registrations.map(r => r.peerId), [peerId(2), peerId(1)])
    })

    suite.test('a refresh may shorten the expiry', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1), { ttl: 3600 }))
      await store.upsert(h.registration('chat', peerId(1), { ttl: 10 }))

      h.clock.advance(10_000)
      assert.equal(await store.count(), 0, 'the shorter expiry applies')
      assert.equal(await store.expire(), 1)
      assert.equal((await store.discover({ limit: 10 })).registrations.length, 0)
    })

    suite.test('returns envelope bytes byte for byte', async (h) => {
      const store = await h.store()
      const envelopes = [
        Uint8Array.of(0),
        Uint8Array.of(0xff),
        Uint8Array.of(0, 0, 0),
        envelope(7, 170),
        envelope(8, 4096),
        // a view into the middle of a larger buffer: only the view's bytes belong to the registration
        new Uint8Array(envelope(9, 400).buffer, 100, 170)
      ]
      const inputs = envelopes.map((signedPeerRecord, i) => h.registration('bytes', peerId(i), { signedPeerRecord }))

      for (const input of inputs) {
        assertRegistration(await store.upsert(input), input, 'upsert result')
      }

      const read = await discoverAll(store, 'bytes')
      assert.equal(read.length, inputs.length)
      read.forEach((registration, i) => { assertRegistration(registration, inputs[i], `envelope ${i}`) })

      const sampled = await store.sample('bytes', 100)
      for (const registration of sampled) {
        const input = inputs.find(r => r.peerId === registration.peerId)
        assert.ok(input != null)
        assertRegistration(registration, input, 'sampled')
      }
    })

    suite.test('keeps its own copy of the envelope', async (h) => {
      const store = await h.store()
      const bytes = envelope(1)
      const original = bytes.slice()
      await store.upsert(h.registration('chat', peerId(1), { signedPeerRecord: bytes }))
      bytes.fill(0x55)

      const [registration] = (await store.discover({ namespace: 'chat', limit: 1 })).registrations
      assert.ok(bytesEqual(registration.signedPeerRecord, original), 'changing the caller\'s array after upsert must not change the stored envelope')
    })

    suite.test('never reuses a position, even after removals and expiry', async (h) => {
      const store = await h.store()
      const a = await store.upsert(h.registration('chat', peerId(1), { ttl: 1 }))
      const b = await store.upsert(h.registration('chat', peerId(2)))
      await store.remove('chat', peerId(2))
      const c = await store.upsert(h.registration('chat', peerId(3)))
      assert.ok(c.position > b.position, 'after removing the newest registration')

      await store.removePeer(peerId(3))
      const d = await store.upsert(h.registration('chat', peerId(4)))
      assert.ok(d.position > c.position, 'after removing a peer')

      await store.remove('chat', peerId(4))
      h.clock.advance(1_000)
      assert.equal(await store.expire(), 1)
      assert.equal(await store.count(), 0)
      const e = await store.upsert(h.registration('chat', peerId(1)))
      assert.ok(e.position > d.position && e.position > a.position, 'after the store was emptied')
    })
  })
}
