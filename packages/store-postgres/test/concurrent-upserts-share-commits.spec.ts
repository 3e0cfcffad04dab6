/**
 * Writes are serialised by the store's lock, each through its commit; upserts that arrive at a point while
 * a write is in flight are sent together, in one transaction, so they share one commit. Each still resolves
 * or rejects on its own.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
import { postgresStore } from '../src/index.ts'
import { registration } from './fixtures/registrations.ts'
import { sharedServer } from './fixtures/server.ts'

/** The next transaction ID: every write transaction on the server takes one (and so does this query) */
async function nextTransactionId (client: pg.Client): Promise<number> {
  const { rows } = await client.query('SELECT pg_current_xact_id()::text AS id')
  return Number(rows[0].id)
}

describe('concurrent upserts share commits', function () {
  this.timeout(60_000)

  it('200 upserts in flight at once commit in far fewer transactions, each with its own position', async () => {
    const { url } = await sharedServer()
    const store = await postgresStore({ url, schema: 'batched' })
    const client = new pg.Client({ connectionString: url })
    await client.connect()

    try {
      await store.upsert(registration('warm', 0))
      const before = await nextTransactionId(client)
      const stored = await Promise.all(Array.from({ length: 200 }, async (_, i) => store.upsert(registration('batched', i))))
      const transactions = await nextTransactionId(client) - before - 1

      assert.equal(new Set(stored.map(r => r.position)).size, 200, 'distinct positions')
      assert.equal(await store.count(), 201)
      assert.ok(transactions >= 1 && transactions < 100, `200 upserts took ${transactions} write transactions`)
    } finally {
      await client.end()
      await store.close()
    }
  })

  it('refreshes of one key in flight together end with the last one sent, at the highest position', async () => {
    const { url } = await sharedServer()
    const store = await postgresStore({ url, schema: 'batched_repeats' })

    try {
      await store.upsert(registration('warm', 0))
      // five keys, each refreshed ten times at once with a distinct envelope (registration i carries envelope i + 1)
      const calls = Array.from({ length: 50 }, (_, i) => ({ key: i % 5, envelope: i }))
      const stored = await Promise.all(calls.map(async ({ key, envelope }) => store.upsert(registration('repeats', envelope, key))))

      for (let key = 0; key < 5; key++) {
        const ofKey = stored.filter((_, i) => calls[i].key === key)
        assert.deepEqual(ofKey.map(r => r.position), [...ofKey.map(r => r.position)].sort((a, b) => a - b), 'positions in the order the refreshes were sent')
      }

      const page = await store.discover({ namespace: 'repeats', limit: 100 })
      assert.equal(page.registrations.length, 5)

      for (const found of page.registrations) {
        const last = stored.filter(r => r.peerId === found.peerId).at(-1)
        assert.equal(found.position, last?.position)
        assert.deepEqual(found.signedPeerRecord, last?.signedPeerRecord)
      }
    } finally {
      await store.close()
    }
  })

  it('in one batch, refused upserts reject and the others resolve', async () => {
    const { url } = await sharedServer()
    const store = await postgresStore({ url, schema: 'batched_limits' })

    try {
      // one peer, 30 namespaces at once, 10 allowed: the batches mix accepted and refused upserts
      const results = await Promise.allSettled(Array.from({ length: 30 }, async (_, i) =>
        store.upsert(registration(`n${i}`, i, 1), { maxRegistrationsPerPeer: 10 })))
      const accepted = results.filter(r => r.status === 'fulfilled')
      const refused = results.filter(r => r.status === 'rejected')

      assert.equal(accepted.length, 10)
      assert.equal(refused.length, 20)
      assert.ok(refused.every(r => r.status === 'rejected' && r.reason.name === 'RegistrationLimitError' && r.reason.limit === 'peer'))
      assert.equal(await store.countByPeer(registration('x', 0, 1).peerId), 10)
    } finally {
      await store.close()
    }
  })
})
