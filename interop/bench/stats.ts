/**
 * From phase lines to table cells: the rounds of a scenario, their medians, and ratios between targets
 * taken pair by pair (same round), so that each ratio compares neighbouring runs.
 */
import { phaseLabel } from './results.ts'
import type { PhaseResult, RunRecord } from './results.ts'
import type { TargetName } from './targets.ts'

/** Which phase of which session a row of a table shows */
export interface PhaseRef {
  session: string
  phase: string
}

/**
 * One scenario and target over the rounds: medians of the phase's figures, but the largest `maxMs` and
 * `serverPeakRssMiB`, and `errors` (background ones included) summed
 */
export interface Cell extends Pick<PhaseResult, 'ops' | 'opsPerSec' | 'p50Ms' | 'p99Ms' | 'maxMs' | 'serverCpuSec' | 'serverPeakRssMiB' | 'errors' | 'kibPerConnection' | 'connections'> {
  rounds: number
  avgReturned: number
  perCpuSecond: number
  backgroundPerSec: number
  backgroundSkipped: number
  endedEarly: boolean
}

export function median (values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) { return NaN }
  const mid = Math.floor(v.length / 2)
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

/** Several lines of one phase in one session (BENCH_WAVES refresh waves) as one: counts and CPU add up */
export function mergePhases (parts: PhaseResult[]): PhaseResult {
  const sum = (f: (p: PhaseResult) => number): number => parts.reduce((t, p) => t + f(p), 0)
  const ops = sum(p => p.ops)
  const seconds = sum(p => p.seconds)
  return {
    ...parts[0],
    ops,
    errors: sum(p => p.errors),
    seconds,
    opsPerSec: seconds > 0 ? ops / seconds : 0,
    p50Ms: median(parts.map(p => p.p50Ms)),
    p99Ms: Math.max(...parts.map(p => p.p99Ms)),
    maxMs: Math.max(...parts.map(p => p.maxMs)),
    serverCpuSec: sum(p => p.serverCpuSec),
    genCpuSec: sum(p => p.genCpuSec),
    machineBusySec: sum(p => p.machineBusySec ?? 0),
    machineStealSec: sum(p => p.machineStealSec ?? 0),
    serverPeakRssMiB: Math.max(...parts.map(p => p.serverPeakRssMiB))
  }
}

/** A phase of a target, by round */
export function phasesOf (records: RunRecord[], sc: PhaseRef, target: TargetName): Map<number, PhaseResult> {
  const byRound = new Map<number, PhaseResult>()
  for (const r of records) {
    if (r.session !== sc.session || r.target !== target) { continue }
    const same = r.phases.filter(p => phaseLabel(p) === sc.phase)
    if (same.length > 0) { byRound.set(r.round, same.length === 1 ? same[0] : mergePhases(same)) }
  }
  return byRound
}

/** The rounds of a phase as one table cell; undefined when it did not run */
export function cell (phases: PhaseResult[]): Cell | undefined {
  if (phases.length === 0) { return undefined }
  return {
    rounds: phases.length,
    ops: median(phases.map(p => p.ops)),
    opsPerSec: median(phases.map(p => p.opsPerSec)),
    p50Ms: median(phases.map(p => p.p50Ms)),
    p99Ms: median(phases.map(p => p.p99Ms)),
    maxMs: Math.max(...phases.map(p => p.maxMs)),
    serverCpuSec: median(phases.map(p => p.serverCpuSec)),
    serverPeakRssMiB: Math.max(...phases.map(p => p.serverPeakRssMiB)),
    errors: phases.reduce((s, p) => s + p.errors + (p.backgroundErrors ?? 0), 0),
    avgReturned: median(phases.map(p => p.avgReturned ?? 0)),
    kibPerConnection: phases[0].kibPerConnection != null ? median(phases.map(p => p.kibPerConnection ?? NaN)) : undefined,
    connections: phases[0].connections,
    perCpuSecond: median(phases.map(perCpu)),
    backgroundPerSec: median(phases.map(p => (p.backgroundRegisters ?? 0) / p.seconds)),
    backgroundSkipped: phases.reduce((s, p) => s + (p.backgroundSkipped ?? 0), 0),
    endedEarly: phases.some(p => p.endedBy === 'pool')
  }
}

/** A phase of a target as a cell over its rounds */
export function cellOf (records: RunRecord[], sc: PhaseRef, target: TargetName): Cell | undefined {
  return cell([...phasesOf(records, sc, target).values()])
}

/** TS/Go ratios, pair by pair (same round) */
export function ratios (records: RunRecord[], sc: PhaseRef, target: TargetName): { ops: number[], p99: number[] } {
  const go = phasesOf(records, sc, 'go')
  const ts = phasesOf(records, sc, target)
  const ops: number[] = []
  const p99: number[] = []
  for (const [round, t] of ts) {
    const g = go.get(round)
    if (g == null) { continue }
    ops.push(t.opsPerSec / g.opsPerSec)
    p99.push(t.p99Ms / g.p99Ms)
  }
  return { ops, p99 }
}

/** Operations per server CPU-second of one phase */
export const perCpu = (p: PhaseResult): number => p.serverCpuSec > 0 ? p.ops / p.serverCpuSec : NaN

/** a/b per server CPU-second, pair by pair (same round), as a list (one per round) */
export function cpuRatios (records: RunRecord[], sc: PhaseRef, a: TargetName, b: TargetName): number[] {
  const as = phasesOf(records, sc, a)
  const bs = phasesOf(records, sc, b)
  const out: number[] = []
  for (const [round, p] of as) {
    const q = bs.get(round)
    if (q != null && Number.isFinite(perCpu(p) / perCpu(q))) {
      out.push(perCpu(p) / perCpu(q))
    }
  }
  return out
}

/**
 * How much of the machine the phases kept busy and how much the hypervisor took, as shares of their time
 * on every core (`undefined` when no phase measured it): on a shared host a run whose steal is high reads
 * every server slower, the reason to compare ratios within one run and not figures across runs
 */
export function machineShares (phases: PhaseResult[]): { busy: number, steal: number } | undefined {
  const measured = phases.filter(p => p.machineBusySec != null && p.cores != null && p.cores > 0)
  const capacity = measured.reduce((t, p) => t + p.seconds * (p.cores ?? 0), 0)
  if (capacity <= 0) { return undefined }
  return {
    busy: measured.reduce((t, p) => t + (p.machineBusySec ?? 0), 0) / capacity,
    steal: measured.reduce((t, p) => t + (p.machineStealSec ?? 0), 0) / capacity
  }
}
