/**
 * What one session gives: the generator's `phase` and `check` lines (see loadgen/session.go), gathered per
 * session, target and round.
 */
import type { TargetName } from './targets.ts'

/** One timed phase of a session */
export interface PhaseResult {
  event: 'phase'
  name: string
  concurrency: number
  ops: number
  errors: number
  errorSamples?: string[]
  seconds: number
  opsPerSec: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  serverCpuSec: number
  serverPeakRssMiB: number
  serverRssMiB: number
  peakIsPhaseOnly: boolean
  genCpuSec: number
  /** The whole machine over the phase, all cores summed: busy (every process) and stolen by the hypervisor (absent in runs before 2026-12-01 18:40 UTC) */
  machineBusySec?: number
  machineStealSec?: number
  cores?: number
  avgReturned?: number
  registers?: number
  discovers?: number
  backgroundRegisters?: number
  backgroundErrors?: number
  backgroundSkipped?: number
  endedBy: string
  connections?: number
  rssBeforeMiB?: number
  rssAfterMiB?: number
  kibPerConnection?: number
}

/** One no-lost-registration check */
export interface CheckResult {
  event: 'check'
  method: string
  expected: number
  seen: number
  lost: number
  older: number
  expiredDuringCheck: number
  requests: number
  seconds: number
  complete: boolean
  error?: string
}

/** One session against one target in one round */
export interface RunRecord {
  session: string
  target: TargetName
  round: number
  dialect: string
  phases: PhaseResult[]
  checks: CheckResult[]
  serverStats?: Record<string, unknown>
  error?: string
  /** phase -> its .cpuprofile files (BENCH_PROFILE) */
  profiles?: Array<{ phase: string, paths: string[] }>
}

/** A phase's name in the tables: the mixed phases run once per concurrency */
export function phaseLabel (p: PhaseResult): string {
  return p.name === 'mixed' ? `mixed c=${p.concurrency}` : p.name
}
