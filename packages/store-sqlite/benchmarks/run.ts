/**
 * `pnpm bench`: the shared store benchmark against the SQLite adapter, on a file in a temporary
 * directory. Quick run: `BENCH_SIZES=10k,100k BENCH_DURATION_MS=300 pnpm bench`.
 */
import { join } from 'node:path'
import { runStoreBenchmark } from '@rendezvous/store/bench'
import { sqliteStore } from '../src/index.ts'

await runStoreBenchmark({
  name: '@rendezvous/store-sqlite',
  create: async ({ clock, directory }) => sqliteStore({ clock, path: join(directory, 'registrations.sqlite') }),
  footprint: 'disk'
})
