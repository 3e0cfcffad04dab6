/**
 * Two points of a fleet are two processes with a pool each on one database. Their limits must hold exactly
 * when REGISTERs race through both: the check and the write happen under one advisory lock in the database,
 * not in either process.
 */
import assert from 'node:assert/strict'
import { postgresStore } from '../src/index.ts'
import { registration } from './fixtures/registrations.ts'
import { sharedServer } from './fixtures/server.ts'
import type { PostgresRegistrationStore } from '../src/index.ts'

/** Runs `test` with two points' stores on one schema of the shared server, and closes both after it */
async function withTwoPoints (schema: string, test: (a: PostgresRegistrationStore, b: PostgresRegistrationStore) => Promise<void>): Promise<void> {
  const { url } = await sharedServer()
  const a = await postgresStore({ url, schema })
  const b = await postgresStore({ url, schema })

  try {
    await test(a, b)
  } finally {
    await a.close()
    await b.close()
  }
}

/** Settles every promise; counts those that resolved and checks that every rejection is a RegistrationLimitError of `limit` */
async function tally (upserts: Array<Promise<unknown>>, limit: 'peer' | 'store'): Promise<{ stored: number, refused: number }> {
  let stored = 0
  let refused = 0

  for (const result of await Promise.allSettled(upserts)) {
    if (result.status === 'fulfilled') {
      stored++
    } else {
      assert.equal(result.reason?.name, 'RegistrationLimitError', `unexpected rejection: ${result.reason?.stack}`)
      assert.equal(result.reason.limit, limit)
      refused++
    }
  }

  return { stored, refused }
}

describe('limits hold across two pools on one database', function () {
  this.timeout(60_000)

  it('200 new peers racing through two points at a store limit of 50: exactly 50 stored', async () => {
    await withTwoPoints('limits_store', async (a, b) => {
      const upserts = Array.from({ length: 200 }, async (_, i) =>
        (i % 2 === 0 ? a : b).upsert(registration('race', i), { maxRegistrations: 50 }))
      const { stored, refused } = await tally(upserts, 'store')

      assert.equal(stored, 50)
      assert.equal(refused, 150)
      assert.equal(await a.count(), 50)
      assert.equal(await b.count(), 50)
      assert.equal((await b.discover({ namespace: 'race', limit: 1000 })).registrations.length, 50)
    })
  })

  it('one peer racing into 60 namespaces through two points at a peer limit of 5: exactly 5 stored', async () => {
    await withTwoPoints('limits_peer', async (a, b) => {
      const upserts = Array.from({ length: 60 }, async (_, i) =>
        (i % 2 === 0 ? a : b).upsert(registration(`topic-${i}`, i, 7), { maxRegistrationsPerPeer: 5, maxRegistrations: 1000 }))
      const { stored, refused } = await tally(upserts, 'peer')

      assert.equal(stored, 5)
      assert.equal(refused, 55)
      assert.equal(await a.countByPeer(registration('x', 7).peerId), 5)
    })
  })

  it('refreshes through the other point pass at a full store, new peers do not', async () => {
    await withTwoPoints('limits_refresh', async (a, b) => {
      for (let i = 0; i < 10; i++) {
        await a.upsert(registration('full', i), { maxRegistrations: 10 })
      }

      const refreshes = Array.from({ length: 10 }, async (_, i) => b.upsert(registration('full', i), { maxRegistrations: 10 }))
      const newcomers = Array.from({ length: 10 }, async (_, i) => a.upsert(registration('full', 100 + i), { maxRegistrations: 10 }))

      const [refreshed, added] = await Promise.all([tally(refreshes, 'store'), tally(newcomers, 'store')])
      assert.deepEqual(refreshed, { stored: 10, refused: 0 })
      assert.deepEqual(added, { stored: 0, refused: 10 })
      assert.equal(await b.count(), 10)
    })
  })
})
