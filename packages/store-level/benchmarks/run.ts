/**
 * `pnpm bench`: the shared store benchmark against the LevelDB adapter, in a temporary directory.
 * Quick run: `BENCH_SIZES=10k,100k BENCH_DURATION_MS=300 pnpm bench`.
 */
import { join } from 'node:path'
import { runStoreBenchmark } from '@rendezvous/store/bench'
import { levelStore } from '../src/index.ts'

await runStoreBenchmark({
  name: '@rendezvous/store-level',
  create: async ({ clock, directory }) => levelStore({ clock, path: join(directory, 'registrations') }),
  footprint: 'disk'
})
