/**
 * `pnpm bench`: the shared store benchmark against the PostgreSQL adapter, on a server of its own started
 * by the test helper (fsync and synchronous_commit on), one schema per store size.
 * Quick run: `BENCH_SIZES=10k,100k BENCH_DURATION_MS=300 pnpm bench`.
 *
 * The rates per CPU-second count the Node.js process only; the server's share is printed below the table.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { runStoreBenchmark } from '@rendezvous/store/bench'
import pg from 'pg'
import { postgresStore } from '../src/index.ts'
import { startPostgres } from '../src/testing.ts'
import { BENCH_SETTINGS } from './settings.ts'

const server = await startPostgres({ settings: BENCH_SETTINGS })

/** CPU seconds of every process of the server (postmaster and backends), from /proc */
function serverCpuSeconds (): number {
  const ticks = 100
  let total = 0
  const postmaster = Number(readFileSync(`${server.dataDirectory}/postmaster.pid`, 'utf8').split('\n')[0])
  // the postmaster's children include the backends; their time is in their own stat files while they run
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(p => p !== '')

  for (const pid of [postmaster, ...children.map(Number)]) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command
      total += (Number(fields[11]) + Number(fields[12])) / ticks
    } catch {
      // a backend that ended meanwhile
    }
  }

  return total
}

async function withClient <T> (work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.url })
  await client.connect()

  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

const schemaFor = (directory: string): string => `bench_${createHash('sha256').update(directory).digest('hex').slice(0, 16)}`
const cpuBefore = serverCpuSeconds()
const started = performance.now()

try {
  await runStoreBenchmark({
    name: '@rendezvous/store-postgres',
    create: async ({ clock, directory }) => postgresStore({ url: server.url, schema: schemaFor(directory), clock }),
    // the table, its TOAST and its indexes, as PostgreSQL counts them
    footprint: async ({ directory }) => withClient(async (client) => {
      const result = await client.query(`SELECT pg_total_relation_size('${schemaFor(directory)}.registrations')::float8 AS bytes`)
      return result.rows[0].bytes
    }),
    // A table just filled with a million rows is due for autovacuum (the new rows' visibility and hint
    // bits), autoanalyze (its statistics were taken while it was small) and a checkpoint: the server starts
    // them within a minute, on the same two cores as the measurements, which then measured a transient
    // (see the README's Benchmarks). This is the same work, done before measuring
    settle: async ({ directory }) => withClient(async (client) => {
      await client.query(`VACUUM ANALYZE ${schemaFor(directory)}.registrations`)
      await client.query('CHECKPOINT')
    })
  })

  const wall = (performance.now() - started) / 1000
  console.log(`\nThe server's processes used ${(serverCpuSeconds() - cpuBefore).toFixed(1)} CPU-seconds in the ${wall.toFixed(0)} s of the run (backends that had ended are not counted).`) // eslint-disable-line no-console
} finally {
  await server.stop()
}
