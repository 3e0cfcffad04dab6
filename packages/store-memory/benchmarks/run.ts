/**
 * `pnpm bench`: the shared store benchmark against the memory adapter. Quick run:
 * `BENCH_SIZES=10k,100k BENCH_DURATION_MS=300 pnpm bench`.
 */
import { runStoreBenchmark } from '@rendezvous/store/bench'
import { memoryStore } from '../src/index.ts'

await runStoreBenchmark({
  name: '@rendezvous/store-memory',
  create: ({ clock }) => memoryStore({ clock }),
  footprint: 'heap'
})
