/**
 * What a run ran on, and with which settings: the report's header and the saved run's `meta`.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { goVersion } from './binaries.ts'
import { experimentText, NODE_FLAGS, POSTGRES_SETTINGS, QUICK, ROUNDS, TS_FLAGS, VARIANT, VARIANT_FLAGS, VARIANT_NODE_FLAGS } from './config.ts'

export async function machine (): Promise<Record<string, string>> {
  return {
    date: new Date().toISOString(),
    cpus: `${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`,
    mem: `${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
    node: `node ${process.version}`,
    go: await goVersion(),
    rounds: String(ROUNDS),
    quick: String(QUICK),
    loadStart: loadavg()[0].toFixed(1),
    ...(TS_FLAGS.length > 0 || NODE_FLAGS.length > 0 || Object.keys(POSTGRES_SETTINGS).length > 0 ? { experiment: experimentText(NODE_FLAGS, TS_FLAGS, POSTGRES_SETTINGS) } : {}),
    ...(VARIANT ? { variant: experimentText(VARIANT_NODE_FLAGS, VARIANT_FLAGS) } : {})
  }
}
