/**
 * The compliance suite checks uniformity on namespaces of a few dozen registrations, which `sample` reads
 * whole. A large namespace takes the other path: random slots drawn over an index, with holes left by
 * removals and expired registrations in between, and slots renumbered when they thin out. This checks that
 * path for uniformity the same way (chi-square, false failure rate about 1e-9) and that it stays bounded.
 */
import assert from 'node:assert/strict'
import { ManualClock, envelope, peerId } from '@rendezvous/store/compliance'
import pg from 'pg'
import { postgresStore } from '../src/index.ts'
import { sharedServer } from './fixtures/server.ts'
import type { PostgresRegistrationStore } from '../src/index.ts'

const SIZE = 600

/** The chi-square value a uniform sampler exceeds with probability about 1e-9 (Wilson–Hilferty, z = 6) */
function chiSquareBound (k: number): number {
  return k * Math.pow(1 - 2 / (9 * k) + 6 * Math.sqrt(2 / (9 * k)), 3)
}

async function slots (client: pg.Client, schema: string, namespace: string): Promise<{ next: number, stored: number }> {
  const { rows } = await client.query(`SELECT next_slot AS next, stored FROM ${schema}.namespaces WHERE namespace = $1`, [namespace])
  return rows[0]
}

describe('sample is uniform in a large namespace', function () {
  this.timeout(120_000)
  let client: pg.Client
  let store: PostgresRegistrationStore
  const clock = new ManualClock()

  before(async () => {
    const { url } = await sharedServer()
    client = new pg.Client({ connectionString: url })
    await client.connect()
    store = await postgresStore({ url, schema: 'large_sample', clock: clock.clock })
  })

  after(async () => {
    await store?.close()
    await client?.end()
  })

  it('draws uniformly among the live registrations of the listed formats, across holes, expiries and a renumbering', async () => {
    const live = new Set<string>()
    const formats = new Map<string, string>()

    for (let i = 0; i < SIZE; i++) {
      const expiring = i % 10 === 3
      formats.set(peerId(i), i % 4 === 0 ? 'waku' : 'standard')
      await store.upsert({
        namespace: 'big',
        peerId: peerId(i),
        signedPeerRecord: envelope(i + 1),
        format: formats.get(peerId(i)) ?? 'standard',
        ttl: expiring ? 1 : 3600,
        registeredAt: clock.now,
        expiresAt: clock.now + (expiring ? 1_000 : 3_600_000)
      })

      if (!expiring) {
        live.add(peerId(i))
      }
    }

    // remove two in three of the first 480: fewer than half the slots hold a row, so the namespace is renumbered
    for (let i = 0; i < 480; i++) {
      if (i % 3 !== 0) {
        await store.remove('big', peerId(i))
        live.delete(peerId(i))
      }
    }

    const after = await slots(client, 'large_sample', 'big')
    assert.ok(after.next < SIZE, `the thinned-out namespace was renumbered: ${after.next} slots`)
    assert.ok(after.stored * 2 >= after.next, `at least half the slots hold a row: ${after.stored} of ${after.next}`)
    assert.ok(after.next > 5 * 4 + 64, `the namespace (${after.next} slots) is large enough for the slot path at limit 5`)

    // let the expiring ones expire, without deleting them: they stay in their slots as misses
    clock.advance(1_000)

    const counts = new Map([...live].map(peer => [peer, 0]))
    const trials = 3_000

    for (let trial = 0; trial < trials; trial++) {
      const sample = await store.sample('big', 5)
      assert.equal(sample.length, 5)
      assert.equal(new Set(sample.map(r => r.peerId)).size, 5, 'no repeats')

      for (const r of sample) {
        const count = counts.get(r.peerId)
        assert.ok(count !== undefined, `${r.peerId} is not live`)
        counts.set(r.peerId, count + 1)
      }
    }

    const observed = [...counts.values()]
    const expected = trials * 5 / observed.length
    const statistic = observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0)
    assert.ok(statistic < chiSquareBound(observed.length - 1), `not uniform: chi-square ${statistic.toFixed(1)} over ${observed.length} registrations`)

    // with a format filter, only the matching ones, still without repeats
    const waku = new Set([...live].filter(peer => formats.get(peer) === 'waku'))
    assert.ok(waku.size > 5)

    for (let trial = 0; trial < 50; trial++) {
      const sample = await store.sample('big', 5, { formats: ['waku'] })
      assert.equal(sample.length, 5)
      assert.equal(new Set(sample.map(r => r.peerId)).size, 5, 'no repeats')
      assert.ok(sample.every(r => r.format === 'waku' && waku.has(r.peerId)), 'only live registrations of the format')
    }
  })

  it('a namespace that is mostly expired registrations still returns every live one, read whole', async () => {
    const local = new ManualClock()
    const { url } = await sharedServer()
    const mostlyExpired = await postgresStore({ url, schema: 'mostly_expired', clock: local.clock })

    try {
      for (let i = 0; i < 300; i++) {
        const keep = i % 50 === 0
        await mostlyExpired.upsert({
          namespace: 'ghosts',
          peerId: peerId(i),
          signedPeerRecord: envelope(i + 1),
          format: 'standard',
          ttl: keep ? 3600 : 1,
          registeredAt: local.now,
          expiresAt: local.now + (keep ? 3_600_000 : 1_000)
        })
      }

      local.advance(1_000)
      const all = await mostlyExpired.sample('ghosts', 20)
      assert.deepEqual(all.map(r => r.peerId).sort(), [0, 50, 100, 150, 200, 250].map(peerId).sort())
    } finally {
      await mostlyExpired.close()
    }
  })
})
