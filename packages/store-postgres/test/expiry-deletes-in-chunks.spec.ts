/**
 * `expire()` deletes in chunks of a few thousand, each its own transaction, so the writes of a fleet wait
 * for one chunk at a time. The chunks together must still delete everything expired, and report it.
 */
import assert from 'node:assert/strict'
import { ManualClock, envelope, peerId } from '@rendezvous/store/compliance'
import { postgresStore } from '../src/index.ts'
import { sharedServer } from './fixtures/server.ts'

const TOTAL = 12_000
const EXPIRING = 11_003

describe('expiry deletes in chunks', function () {
  this.timeout(120_000)

  it(`deletes all ${EXPIRING} expired registrations over several chunks, and the counts agree`, async () => {
    const clock = new ManualClock()
    const store = await postgresStore({ url: (await sharedServer()).url, schema: 'chunked_expiry', clock: clock.clock })

    try {
      const upserts = Array.from({ length: TOTAL }, async (_, i) => {
        const ttl = i < EXPIRING ? 60 : 3600
        return store.upsert({
          namespace: `n${i % 7}`,
          peerId: peerId(i),
          signedPeerRecord: envelope(i + 1, 20),
          format: 'standard',
          ttl,
          registeredAt: clock.now,
          expiresAt: clock.now + ttl * 1000
        })
      })
      await Promise.all(upserts)
      assert.equal(await store.count(), TOTAL)

      clock.advance(60_000)
      assert.equal(await store.count(), TOTAL - EXPIRING, 'expired ones are not counted before expire()')
      assert.equal(await store.expire(), EXPIRING)
      assert.equal(await store.expire(), 0, 'nothing left to expire')
      assert.equal(await store.count(), TOTAL - EXPIRING)

      // what is left is intact: discover pages through it, sample finds it in each namespace
      const { registrations } = await store.discover({ limit: 10_000 })
      assert.deepEqual(registrations.map(r => r.peerId).sort(), Array.from({ length: TOTAL - EXPIRING }, (_, i) => peerId(EXPIRING + i)).sort())

      for (let n = 0; n < 7; n++) {
        const expected = registrations.filter(r => r.namespace === `n${n}`).length
        assert.equal((await store.sample(`n${n}`, 1000)).length, expected, `namespace n${n}`)
      }
    } finally {
      await store.close()
    }
  })
})
