/* eslint-disable no-console -- a benchmark reports on the console */
/**
 * Run every federation and follow benchmark and print a Markdown table (docs/federation.md keeps the
 * figures of one run). `QUICK=1` runs fewer samples.
 */
import { cpus, loadavg } from 'node:os'
import { measureCatchUp } from './catch-up.ts'
import { measureConvergence } from './convergence.ts'
import { measureFollowLatency } from './follow-latency.ts'
import { measureMeshFormation } from './mesh-formation.ts'
import type { Percentiles } from './percentiles.ts'

const quick = process.env.QUICK === '1'
const SAMPLES = quick ? 50 : 300
const ms = (v: number | undefined): string => v == null ? 'did not form' : `${v.toFixed(1)} ms`
const row = (name: string, p: Percentiles, budget: string): string => `| ${name} | ${p.count} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.max)} | ${budget} |`

const load = (): string => loadavg().map(l => l.toFixed(1)).join(' ')
console.info(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), loopback TCP, memory stores, load average ${load()}\n`)
console.info('| measurement | samples | p50 | p99 | max | budget |')
console.info('|---|---|---|---|---|---|')
console.info(row('convergence, 3 points', await measureConvergence(3, SAMPLES, 60), 'p99 ≤ 500 ms (5 points)'))
console.info(row('convergence, 5 points', await measureConvergence(5, SAMPLES, 60), 'p99 ≤ 500 ms'))
console.info(row('follow, same point', await measureFollowLatency(SAMPLES, 60, false), 'p99 ≤ 100 ms'))
console.info(row('follow, registered at another point', await measureFollowLatency(SAMPLES, 60, true), '-'))

const catchUp = await measureCatchUp(quick ? 2_000 : 10_000)
console.info(`\ncatch-up of ${catchUp.registrations} missed registrations: ${ms(catchUp.ms)} (budget: 10,000 within 5 s)`)

const peers = 20
const RUNS = quick ? 1 : 3
const median = (values: Array<number | undefined>): number | undefined => {
  const known = values.filter((v): v is number => v != null).sort((a, b) => a - b)
  return known.length < values.length ? undefined : known[Math.floor(known.length / 2)]
}
const meshOf = async (follow: boolean): Promise<{ mesh?: number, discovered?: number }> => {
  const runs = []
  for (let i = 0; i < RUNS; i++) {
    runs.push(await measureMeshFormation(peers, follow, 10_000, 60))
  }
  // discovery alone, without the dials (and their handshakes) that compete with it for the one thread
  const discovery = await measureMeshFormation(peers, follow, 10_000, 30, 0)
  return { mesh: median(runs.map(r => r.ms)), discovered: discovery.discoveredMs }
}
const ratio = (a?: number, b?: number): string => a != null && b != null ? `${(b / a).toFixed(1)}x` : 'n/a'
const followed = await meshOf(true)
const polled = await meshOf(false)
console.info(`\n${peers} gossipsub peers booting together (median of ${RUNS}):`)
console.info('| | with follow | polling every 10 s | ratio |')
console.info('|---|---|---|---|')
console.info(`| mesh links connect every peer | ${ms(followed.mesh)} | ${ms(polled.mesh)} | ${ratio(followed.mesh, polled.mesh)} |`)
console.info(`| every peer discovered every other (no dials) | ${ms(followed.discovered)} | ${ms(polled.discovered)} | ${ratio(followed.discovered, polled.discovered)} |`)
console.info(`\nload average at the end: ${load()}`)
