import { fmt, ratioText } from '../format.ts'
import { SESSIONS } from '../sessions.ts'
import { cpuRatios, machineShares, median, perCpu, phasesOf } from '../stats.ts'
import type { BudgetRow } from './budgets.ts'
import type { PhaseResult, RunRecord } from '../results.ts'
import type { Scenario } from '../scenarios.ts'

/** The machine's busy CPU beyond the server and the generator (PostgreSQL, mostly), median over the rounds */
function restOfMachine (phases: PhaseResult[]): string {
  const rest = phases.filter(p => p.machineBusySec != null).map(p => (p.machineBusySec ?? 0) - p.serverCpuSec - p.genCpuSec)
  return rest.length === 0 ? '' : fmt(median(rest), 2)
}

/** How busy the machine's cores were over the phase, median over the rounds */
function busyShare (phases: PhaseResult[]): string {
  const shares = phases.map(p => machineShares([p])?.busy).filter((v): v is number => v != null)
  return shares.length === 0 ? '' : `${Math.round(median(shares) * 100)}%`
}

/**
 * From 1 to 2 worker processes over PostgreSQL (issue 14): ops/s, the server's CPU (the primary and its
 * workers, summed by the generator over the process tree), the generator's own CPU and the rest of the
 * machine's busy CPU (PostgreSQL, mostly), which all share the machine's cores, and how busy those cores were:
 * a second worker can only add throughput where the first left a core idle. Ratios pair by pair in each
 * round, median. Budgets: storm and refresh throughput at least 1.25x, REGISTERs per server CPU-second at
 * least 0.9x.
 */
export function scalingTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
  if (!records.some(r => r.target === 'ts-postgres') || !records.some(r => r.target === 'ts-postgres-w2')) {
    return []
  }
  const md: string[] = ['', 'Scaling from 1 to 2 workers over PostgreSQL (`ts-postgres` one process, `ts-postgres-w2` two cluster workers sharing the socket and the peer ID); server CPU is the primary and its workers summed; ratios w2/w1 pair by pair in each round, median:', '']
  md.push('| scenario | w1 ops/s | w2 ops/s | w2/w1 ops/s | w1 server CPU s | w2 server CPU s | w1 generator CPU s | w2 generator CPU s | w1 rest of the machine CPU s | w2 rest of the machine CPU s | w1 machine busy | w2 machine busy | w1 per server CPU-s | w2 per server CPU-s | w2/w1 per CPU-s |')
  md.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const session of SESSIONS.filter(s => s.targets.includes('ts-postgres-w2')).map(s => s.id)) {
    for (const phase of ['storm', 'refresh']) {
      const sc: Scenario = { key: `${session}-${phase}`, title: `${session} ${phase}`, session, phase }
      const one = phasesOf(records, sc, 'ts-postgres')
      const two = phasesOf(records, sc, 'ts-postgres-w2')
      if (one.size === 0 || two.size === 0) { continue }
      const speed: number[] = []
      for (const [round, p] of two) {
        const q = one.get(round)
        if (q != null && q.opsPerSec > 0) { speed.push(p.opsPerSec / q.opsPerSec) }
      }
      const perCpuRatio = cpuRatios(records, sc, 'ts-postgres-w2', 'ts-postgres')
      const a = [...one.values()]
      const b = [...two.values()]
      md.push(`| ${sc.title} | ${fmt(median(a.map(p => p.opsPerSec)), 0)} | ${fmt(median(b.map(p => p.opsPerSec)), 0)} | ${ratioText(speed)} | ${fmt(median(a.map(p => p.serverCpuSec)), 2)} | ${fmt(median(b.map(p => p.serverCpuSec)), 2)} | ${fmt(median(a.map(p => p.genCpuSec)), 2)} | ${fmt(median(b.map(p => p.genCpuSec)), 2)} | ${restOfMachine(a)} | ${restOfMachine(b)} | ${busyShare(a)} | ${busyShare(b)} | ${fmt(median(a.map(perCpu)), 0)} | ${fmt(median(b.map(perCpu)), 0)} | ${ratioText(perCpuRatio)} |`)
      if (speed.length > 0) {
        budgets.push({ budget: `--workers 2 ${session} ${phase} ops/s ≥ 1.25× --workers 1`, target: 'ts-postgres-w2', measured: ratioText(speed), met: median(speed) >= 1.25 })
      }
      if (phase === 'storm' && perCpuRatio.length > 0) {
        budgets.push({ budget: `--workers 2 ${session} REGISTERs per server CPU-s ≥ 0.9× --workers 1`, target: 'ts-postgres-w2', measured: ratioText(perCpuRatio), met: median(perCpuRatio) >= 0.9 })
      }
    }
  }
  return md
}
