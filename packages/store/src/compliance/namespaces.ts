// the calls under test are passed as plain (not async) functions: an async wrapper would turn a synchronous throw into a rejection and hide it
import assert from 'node:assert/strict'
import { assertRegistration, assertRejectsWith, discoverAll, peerId, sortedKeys } from './harness.ts'
import type { NewRegistration } from '../store.ts'
import type { Suite } from './suite.ts'

/** Namespaces of exactly 255 bytes of UTF-8, with 1-, 2-, 3- and 4-byte characters */
export const LONGEST_NAMESPACES = [
  'a'.repeat(255),
  'é'.repeat(127) + 'a',
  '名'.repeat(85),
  '🦀'.repeat(63) + 'abc'
]

/** Namespaces of 256 bytes or more of UTF-8, though some have fewer than 255 characters */
export const TOO_LONG_NAMESPACES = [
  'a'.repeat(256),
  'é'.repeat(128),
  '名'.repeat(85) + 'a',
  '🦀'.repeat(64),
  'a'.repeat(10_000)
]

/**
 * Namespaces that trip up key layouts: prefixes of each other, separators, NUL, the last code points, case
 * and normalisation differences (NFC and NFD forms of "é" are different namespaces).
 */
export const TRICKY_NAMESPACES = [
  'a',
  'ab',
  'a/b',
  'a:b',
  'a\u0000',
  'a\u0000b',
  '\u0000',
  'a\uffff',
  '\u{10ffff}',
  'A',
  ' ',
  'caf\u00e9',
  'cafe\u0301',
  '/vac/waku/rendezvous/0.0.1',
  'ns-1',
  'ns-10'
]

export function namespaceTests (suite: Suite): void {
  suite.describe('namespaces', () => {
    suite.test('accepts namespaces of exactly 255 bytes of UTF-8 and returns them intact', async (h) => {
      const store = await h.store()
      const inputs: NewRegistration[] = []

      for (const [i, namespace] of LONGEST_NAMESPACES.entries()) {
        const input = h.registration(namespace, peerId(i))
        inputs.push(input)
        assertRegistration(await store.upsert(input), input)
      }

      for (const input of inputs) {
        const found = await store.discover({ namespace: input.namespace, limit: 10 })
        assert.equal(found.registrations.length, 1)
        assertRegistration(found.registrations[0], input)
        const sampled = await store.sample(input.namespace, 10)
        assert.equal(sampled.length, 1)
        assertRegistration(sampled[0], input)
        assert.equal(await store.countByPeer(input.peerId, { excludeNamespace: input.namespace }), 0)
      }

      const all = await discoverAll(store)
      assert.deepEqual(all.map(r => r.namespace), LONGEST_NAMESPACES)
      assert.equal(await store.remove(LONGEST_NAMESPACES[1], peerId(1)), true)
      assert.equal(await store.count(), LONGEST_NAMESPACES.length - 1)
    })

    suite.test('rejects namespaces over 255 bytes of UTF-8, counting bytes, not characters', async (h) => {
      const store = await h.store()

      for (const namespace of TOO_LONG_NAMESPACES) {
        await assertRejectsWith(() => store.upsert(h.registration(namespace, peerId(1))), 'InvalidNamespaceError', `upsert, ${namespace.length} characters`)
        await assertRejectsWith(() => store.discover({ namespace, limit: 10 }), 'InvalidNamespaceError', 'discover')
        await assertRejectsWith(() => store.sample(namespace, 10), 'InvalidNamespaceError', 'sample')
        await assertRejectsWith(() => store.remove(namespace, peerId(1)), 'InvalidNamespaceError', 'remove')
        await assertRejectsWith(() => store.countByPeer(peerId(1), { excludeNamespace: namespace }), 'InvalidNamespaceError', 'countByPeer')
      }

      assert.equal(await store.count(), 0, 'nothing was stored')
    })

    suite.test('keeps namespaces apart that share prefixes, separators or NUL', async (h) => {
      const store = await h.store()
      const inputs: NewRegistration[] = []

      for (const [i, namespace] of TRICKY_NAMESPACES.entries()) {
        // the same peer everywhere, and one peer per namespace
        for (const peer of [peerId(0), peerId(100 + i)]) {
          const input = h.registration(namespace, peer)
          inputs.push(input)
          await store.upsert(input)
        }
      }

      assert.equal(await store.count(), inputs.length)
      assert.equal(await store.countByPeer(peerId(0)), TRICKY_NAMESPACES.length)

      for (const [i, namespace] of TRICKY_NAMESPACES.entries()) {
        const expected = inputs.filter(r => r.namespace === namespace)
        const found = await discoverAll(store, namespace)
        assert.deepEqual(sortedKeys(found), sortedKeys(expected), `discover ${JSON.stringify(namespace)}`)
        found.forEach((r, j) => { assertRegistration(r, expected[j]) })
        assert.deepEqual(sortedKeys(await store.sample(namespace, 10)), sortedKeys(expected), `sample ${JSON.stringify(namespace)}`)
        assert.equal(await store.countByPeer(peerId(0), { excludeNamespace: namespace }), TRICKY_NAMESPACES.length - 1, `countByPeer excluding ${JSON.stringify(namespace)}`)
        assert.equal(await store.countByPeer(peerId(100 + i)), 1)
      }

      const all = await discoverAll(store)
      assert.deepEqual(all.map(r => r.namespace), inputs.map(r => r.namespace), 'namespaces come back exactly as given')

      assert.equal(await store.remove('a', peerId(0)), true)
      assert.equal(await store.countByPeer(peerId(0)), TRICKY_NAMESPACES.length - 1, 'removing from "a" touched no other namespace')
      assert.equal((await discoverAll(store, 'ab')).length, 2)
      assert.equal((await discoverAll(store, 'a\u0000')).length, 2)
    })
  })
}
