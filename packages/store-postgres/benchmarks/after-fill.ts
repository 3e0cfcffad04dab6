/**
 * `pnpm bench:after-fill`: what a point sees right after a bulk load. Fills a store with `BENCH_SIZE`
 * registrations (default 1M) through the store, as the harness does (100 namespaces, 170-byte envelopes,
 * 64 upserts in flight), then measures discover(100) with 16 in flight second by second for
 * `BENCH_SECONDS` (default 60), printing beside each second the client's and the server's CPU per
 * discover and what autovacuum has done to the table (`pg_stat_user_tables`, `pg_stat_activity`).
 * `BENCH_SETTLE=1` runs the harness's settle step (`VACUUM ANALYZE`, `CHECKPOINT`) after the fill first.
 */
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { measureRate } from '@rendezvous/store/bench'
import pg from 'pg'
import { postgresStore } from '../src/index.ts'
import { startPostgres } from '../src/testing.ts'
import { BENCH_SETTINGS } from './settings.ts'
import type { NewRegistration } from '@rendezvous/store'

const size = Number(process.env.BENCH_SIZE ?? 1_000_000)
const seconds = Number(process.env.BENCH_SECONDS ?? 60)
const START = 1_700_000_000_000
const PEER_PREFIX = '12D3KooW' + 'BenchmarkPeer'.padEnd(36, 'x')
const names = Array.from({ length: 100 }, (_, i) => `bench-namespace-${i}`)
const template = new Uint8Array(170).map((_, i) => (i * 151 + 17) & 0xff)
const server = await startPostgres({ settings: BENCH_SETTINGS })

/** Registration i as the harness makes it: a peer in two namespaces, one in ten expiring an hour early */
function registration (i: number): NewRegistration {
  const signedPeerRecord = template.slice()
  new DataView(signedPeerRecord.buffer).setUint32(0, i)
  const ttl = i % 10 === 0 ? 3600 : 7200
  return { namespace: names[i % 100], peerId: PEER_PREFIX + String(i >> 1).padStart(8, '0'), signedPeerRecord, format: 'standard', ttl, registeredAt: START, expiresAt: START + ttl * 1000 }
}

/** CPU seconds of the server's processes (postmaster and its children), from /proc */
function serverCpuSeconds (): number {
  const postmaster = Number(readFileSync(`${server.dataDirectory}/postmaster.pid`, 'utf8').split('\n')[0])
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(p => p !== '')

  return [postmaster, ...children.map(Number)].reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      return sum + (Number(fields[11]) + Number(fields[12])) / 100
    } catch {
      // a process that ended meanwhile
      return sum
    }
  }, 0)
}

try {
  const store = await postgresStore({ url: server.url, schema: 'after_fill', clock: () => START })
  const client = new pg.Client({ connectionString: server.url })
  await client.connect()

  try {
    const fillStart = performance.now()

    for (let i = 0; i < size; i += 64) {
      await Promise.all(Array.from({ length: Math.min(64, size - i) }, async (_, j) => store.upsert(registration(i + j))))
    }

    const lines = [`filled ${size.toLocaleString('en-US')} in ${((performance.now() - fillStart) / 1000).toFixed(1)} s, load average ${loadavg()[0].toFixed(1)}`]

    if (process.env.BENCH_SETTLE === '1') {
      const settleStart = performance.now()
      await client.query('VACUUM ANALYZE after_fill.registrations')
      await client.query('CHECKPOINT')
      lines.push(`settled in ${Math.round(performance.now() - settleStart)} ms`)
    }

    console.log(lines.join('\n')) // eslint-disable-line no-console
    const discover = async (): Promise<unknown> => store.discover({ namespace: names[Math.floor(Math.random() * 100)], limit: 100 })
    const started = performance.now()

    for (let second = 0; second < seconds; second++) {
      const serverBefore = serverCpuSeconds()
      const clientBefore = process.cpuUsage()
      const rate = await measureRate(discover, { durationMs: 1000, concurrency: 16 })
      const clientUsed = process.cpuUsage(clientBefore)
      const serverUsed = serverCpuSeconds() - serverBefore
      const table = (await client.query(`SELECT n_dead_tup, n_ins_since_vacuum, n_mod_since_analyze, autovacuum_count, autoanalyze_count
        FROM pg_stat_user_tables WHERE schemaname = 'after_fill' AND relname = 'registrations'`)).rows[0]
      const autovacuum = (await client.query('SELECT query FROM pg_stat_activity WHERE backend_type = \'autovacuum worker\'')).rows
        .map(row => String(row.query).replace(/\s+/g, ' ').slice(0, 60)).join('; ')
      console.log([ // eslint-disable-line no-console
        `${((performance.now() - started) / 1000).toFixed(0)} s: ${Math.round(rate.perSecond)}/s`,
        `client ${Math.round((clientUsed.user + clientUsed.system) / rate.operations)} µs, server ${Math.round(serverUsed * 1e6 / rate.operations)} µs per discover`,
        `dead rows ${table.n_dead_tup}, inserted since vacuum ${table.n_ins_since_vacuum}, changed since analyze ${table.n_mod_since_analyze}`,
        `autovacuums ${table.autovacuum_count}, autoanalyzes ${table.autoanalyze_count}${autovacuum === '' ? '' : `, running: ${autovacuum}`}`,
        `load average ${loadavg()[0].toFixed(1)}`
      ].join(' | '))
    }
  } finally {
    await client.end()
    await store.close()
  }
} finally {
  await server.stop()
}
