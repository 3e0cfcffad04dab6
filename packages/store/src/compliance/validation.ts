// the calls under test are passed as plain (not async) functions: an async wrapper would turn a synchronous throw into a rejection and hide it
import assert from 'node:assert/strict'
import { assertRejectsWith, envelope, peerId } from './harness.ts'
import type { NewRegistration } from '../store.ts'
import type { Suite } from './suite.ts'

const BAD_LIMITS: unknown[] = [-1, -1000, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '10', null, undefined]
const BAD_POSITIONS: unknown[] = [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null]
const BAD_NAMESPACES: unknown[] = ['', '\ud800', 'a\udc00b', 42, null]
const BAD_PEER_IDS: unknown[] = ['', '\ud800', 'x'.repeat(129), 7, null]

export function validationTests (suite: Suite): void {
  suite.describe('bad arguments', () => {
    suite.test('a bad limit rejects with InvalidLimitError', async (h) => {
      const store = await h.store()
      await store.upsert(h.registration('chat', peerId(1)))

      for (const limit of BAD_LIMITS) {
        await assertRejectsWith(() => store.discover({ limit } as any), 'InvalidLimitError', `discover, limit ${String(limit)}`)
        await assertRejectsWith(() => store.discover({ namespace: 'chat', limit } as any), 'InvalidLimitError', `discover in a namespace, limit ${String(limit)}`)
        await assertRejectsWith(() => store.sample('chat', limit as any), 'InvalidLimitError', `sample, limit ${String(limit)}`)
      }
    })

    suite.test('a bad position rejects with InvalidPositionError', async (h) => {
      const store = await h.store()

      for (const after of BAD_POSITIONS) {
        await assertRejectsWith(() => store.discover({ after, limit: 10 } as any), 'InvalidPositionError', `after ${String(after)}`)
      }
    })

    suite.test('an empty or malformed namespace rejects with InvalidNamespaceError and stores nothing', async (h) => {
      const store = await h.store()

      for (const namespace of BAD_NAMESPACES) {
        const label = JSON.stringify(namespace)
        await assertRejectsWith(() => store.upsert(h.registration(namespace as any, peerId(1))), 'InvalidNamespaceError', `upsert ${label}`)
        await assertRejectsWith(() => store.discover({ namespace: namespace as any, limit: 10 }), 'InvalidNamespaceError', `discover ${label}`)
        await assertRejectsWith(() => store.sample(namespace as any, 10), 'InvalidNamespaceError', `sample ${label}`)
        await assertRejectsWith(() => store.remove(namespace as any, peerId(1)), 'InvalidNamespaceError', `remove ${label}`)
        await assertRejectsWith(() => store.countByPeer(peerId(1), { excludeNamespace: namespace as any }), 'InvalidNamespaceError', `countByPeer ${label}`)
      }

      assert.equal(await store.count(), 0)
      assert.deepEqual((await store.discover({ limit: 10 })).registrations, [])
    })

    suite.test('an empty or malformed peer ID rejects with MalformedPeerIdError and stores nothing', async (h) => {
      const store = await h.store()

      for (const peer of BAD_PEER_IDS) {
        const label = JSON.stringify(peer)
        await assertRejectsWith(() => store.upsert(h.registration('chat', peer as any)), 'MalformedPeerIdError', `upsert ${label}`)
        await assertRejectsWith(() => store.remove('chat', peer as any), 'MalformedPeerIdError', `remove ${label}`)
        await assertRejectsWith(() => store.removePeer(peer as any), 'MalformedPeerIdError', `removePeer ${label}`)
        await assertRejectsWith(() => store.countByPeer(peer as any), 'MalformedPeerIdError', `countByPeer ${label}`)
      }

      assert.equal(await store.count(), 0)
    })

    suite.test('a bad envelope, TTL or time rejects with InvalidRegistrationError and stores nothing', async (h) => {
      const store = await h.store()
      const good = h.registration('chat', peerId(1))
      const bad: Array<[string, Partial<Record<keyof NewRegistration, unknown>>]> = [
        ['an empty envelope', { signedPeerRecord: new Uint8Array(0) }],
        ['an envelope that is not bytes', { signedPeerRecord: 'abc' }],
        ['a missing envelope', { signedPeerRecord: undefined }],
        ['a negative TTL', { ttl: -1 }],
        ['a fractional TTL', { ttl: 1.5 }],
        ['a NaN TTL', { ttl: Number.NaN }],
        ['a missing TTL', { ttl: undefined }],
        ['a negative registration time', { registeredAt: -1 }],
        ['a fractional expiry', { expiresAt: good.expiresAt + 0.5 }],
        ['an infinite expiry', { expiresAt: Number.POSITIVE_INFINITY }],
        ['a missing expiry', { expiresAt: undefined }],
        ['an expiry before the registration time', { expiresAt: good.registeredAt - 1 }]
      ]

      for (const [label, change] of bad) {
        await assertRejectsWith(() => store.upsert({ ...good, ...change } as any), 'InvalidRegistrationError', label)
      }

      assert.equal(await store.count(), 0, 'nothing was stored')
      assert.equal(await store.expire(), 0, 'not even as expired')
    })

    suite.test('a rejected refresh leaves the registration as it was', async (h) => {
      const store = await h.store()
      const first = await store.upsert(h.registration('chat', peerId(1), { signedPeerRecord: envelope(1) }))
      await assertRejectsWith(() => store.upsert({ ...h.registration('chat', peerId(1)), ttl: -5 }), 'InvalidRegistrationError')

      const { registrations } = await store.discover({ limit: 10 })
      assert.equal(registrations.length, 1)
      assert.equal(registrations[0].position, first.position)
      assert.equal(registrations[0].ttl, first.ttl)
    })
  })
}
