/**
 * `pnpm bench:operations`: what one operation costs the client process and the server backend, apart,
 * at a store size (`BENCH_SIZE`, default 1M) filled directly with SQL (seconds instead of minutes), with
 * `BENCH_IN_FLIGHT` operations in flight (default 1) on as many connections, `BENCH_OPERATIONS` (names,
 * comma-separated) to run only some. CPU times come from
 * `process.cpuUsage()` and from `/proc/<pid>/stat` of the store's server backends.
 */
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { postgresStore } from '../src/index.ts'
import { startPostgres } from '../src/testing.ts'
import { BENCH_SETTINGS } from './settings.ts'

const size = Number(process.env.BENCH_SIZE ?? 1_000_000)
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 1)
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000)
/** `BENCH_OPERATIONS=discover(100)`: only the operations named (comma-separated), e.g. to profile one */
const only = process.env.BENCH_OPERATIONS?.split(',')
const NOW = 1_700_000_000_000
const server = await startPostgres({ settings: BENCH_SETTINGS })

try {
  const store = await postgresStore({ url: server.url, schema: 'operations', clock: () => NOW, poolSize: inFlight })
  const client = new pg.Client({ connectionString: server.url })
  await client.connect()

  // the rows the store would have written: 100 namespaces, 170-byte envelopes, entries packed as entry.ts does
  // and stored as the schema's page_chunk does
  await client.query(`INSERT INTO operations.registrations (namespace, peer_id, format, position, slot, chunk, ttl, registered_at, expires_at)
    SELECT ns, peer, 'standard', i, i / 100, operations.page_chunk(i,
      int8send(7200::int8) || int8send(${NOW}::int8) || int8send(${NOW + 7_200_000}::int8)
      || int2send(octet_length(ns)::int2) || convert_to(ns, 'UTF8') || int2send(octet_length(peer)::int2) || convert_to(peer, 'UTF8')
      || int2send(8::int2) || convert_to('standard', 'UTF8') || int4send(170) || decode(repeat('ab', 170), 'hex')),
      7200, ${NOW}, ${NOW + 7_200_000}
    FROM (SELECT i, 'bench-namespace-' || (i % 100) AS ns, 'peer-' || i AS peer FROM generate_series(1, $1) AS i) AS g`, [size])
  await client.query(`INSERT INTO operations.namespaces
    SELECT namespace, max(slot) + 1, count(*) FROM operations.registrations GROUP BY namespace`)
  await client.query('UPDATE operations.totals SET stored = $1', [size])
  await client.query('SELECT setval(\'operations.positions\', $1)', [size])
  await client.query('VACUUM ANALYZE operations.registrations')
  await client.query('CHECKPOINT')

  // open every connection of the pool, then find their backends
  await Promise.all(Array.from({ length: inFlight }, async () => store.ping()))
  const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE application_name = \'rendezvous\'')
  const serverCpuSeconds = (): number => rows.reduce((sum: number, { pid }: { pid: number }) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return sum + (Number(fields[11]) + Number(fields[12])) / 100
  }, 0)

  const operations: Array<[string, (i: number) => Promise<unknown>]> = [
    ['discover(100)', async (i) => store.discover({ namespace: `bench-namespace-${i % 100}`, limit: 100 })],
    ['discover all(100)', async (i) => store.discover({ after: (i * 7919) % Math.floor(size * 0.9), limit: 100 })],
    ['sample(20)', async (i) => store.sample(`bench-namespace-${i % 100}`, 20)],
    ['upsert (refresh)', async (i) => {
      const key = 1 + (i * 104729) % size
      return store.upsert({ namespace: `bench-namespace-${key % 100}`, peerId: `peer-${key}`, format: 'standard', signedPeerRecord: new Uint8Array(170), ttl: 7200, registeredAt: NOW, expiresAt: NOW + 7_200_000 })
    }]
  ]

  const lines = [
    `${size.toLocaleString('en-US')} registrations, ${inFlight} in flight, ${durationMs} ms each`,
    '',
    '| operation | per second | client CPU µs | server CPU µs | wall µs |',
    '| --- | ---: | ---: | ---: | ---: |'
  ]

  for (const [name, operation] of operations.filter(([name]) => only === undefined || only.includes(name))) {
    for (let i = 0; i < 300; i++) {
      await operation(i)
    }

    const serverBefore = serverCpuSeconds()
    const clientBefore = process.cpuUsage()
    const started = performance.now()
    let done = 0

    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (performance.now() - started < durationMs) {
        await operation(done++)
      }
    }))

    const wallMs = performance.now() - started
    const clientUsed = process.cpuUsage(clientBefore)
    lines.push(`| ${name} | ${Math.round(done / wallMs * 1000).toLocaleString('en-US')} | ${Math.round((clientUsed.user + clientUsed.system) / done)} | ${Math.round((serverCpuSeconds() - serverBefore) / done * 1e6)} | ${Math.round(wallMs * 1000 / done * inFlight)} |`)
  }

  console.log(lines.join('\n')) // eslint-disable-line no-console
  await client.end()
  await store.close()
} finally {
  await server.stop()
}
