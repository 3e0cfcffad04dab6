/**
 * The main table: one row per scenario and /vac/waku/rendezvous/0.0.1 server, with TS/Go ratios pair by
 * pair and the throughput budgets against Go.
 */
import { fmt, ratioText } from '../format.ts'
import { scenarios } from '../scenarios.ts'
import { cell, median, phasesOf, ratios } from '../stats.ts'
import { ALL_TARGETS, isFloor } from '../targets.ts'
import type { BudgetRow } from './budgets.ts'
import type { RunRecord } from '../results.ts'
import type { Scenario } from '../scenarios.ts'
import type { Cell } from '../stats.ts'
import type { TargetName } from '../targets.ts'

function budgetRows (sc: Scenario, target: TargetName, r: { ops: number[], p99: number[] }): BudgetRow[] {
  if (sc.budget == null || r.ops.length === 0) {
    return []
  }
  const floor = sc.budget === 'refresh' ? 2 : 1
  return [
    { budget: `${sc.title}: ops/s ≥ ${fmt(floor, 1)}× Go`, target, measured: `${fmt(median(r.ops), 2)}×`, met: median(r.ops) >= floor },
    { budget: `${sc.title}: p99 ≤ Go`, target, measured: `${fmt(median(r.p99), 2)}×`, met: median(r.p99) <= 1 }
  ]
}

function notesFor (sc: Scenario, target: TargetName, c: Cell): string {
  const notes: string[] = []
  const n = sc.note?.(target)
  if (n != null) {
    notes.push(n)
  }
  if (sc.phase.startsWith('discover') || sc.phase.startsWith('mixed')) {
    notes.push(`avg ${fmt(c.avgReturned, 1)} returned`)
  }
  if (c.backgroundPerSec > 0) {
    notes.push(`+ ${fmt(c.backgroundPerSec, 0)} background REGISTER/s${c.backgroundSkipped > 0 ? ` (${c.backgroundSkipped} skipped: all 128 keep-alive workers busy)` : ''}`)
  }
  if (sc.phase === 'idle') {
    notes.push(`${fmt(c.kibPerConnection, 1)} KiB per connection (${c.connections} connections)`)
  }
  if (sc.phase === 'storm' || sc.phase === 'refresh') {
    notes.push(`${fmt(c.perCpuSecond, 0)} per server CPU-s`)
  }
  if (sc.phase === 'connect') {
    notes.push(`${fmt(c.perCpuSecond, 0)} handshakes per server CPU-s`)
  }
  if (c.endedEarly) {
    notes.push('ended early: the pre-sealed fresh envelopes ran out')
  }
  return notes.join('; ')
}

/** The main table: one row per scenario and server, TS/Go ratios pair by pair */
export function mainTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
  const md = [
    '| scenario | server | ops/s | p50 ms | p99 ms | max ms | server CPU s | peak RSS MiB | errors | ops/s TS/Go | p99 TS/Go | generator CPU s | note |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|'
  ]
  for (const sc of scenarios()) {
    for (const target of ALL_TARGETS) {
      const phases = [...phasesOf(records, sc, target).values()]
      const c = cell(phases)
      if (c == null) {
        continue
      }
      let ratioOps = ''
      let ratioP99 = ''
      if (target !== 'go') {
        const r = ratios(records, sc, target)
        if (r.ops.length > 0 && sc.phase !== 'idle') {
          ratioOps = `**${ratioText(r.ops)}**`
          ratioP99 = ratioText(r.p99)
        }
        if (!isFloor(target)) {
          budgets.push(...budgetRows(sc, target, r))
        }
      }
      const gen = median(phases.map(p => p.genCpuSec))
      md.push(`| ${sc.title} | ${target} | ${fmt(c.opsPerSec, 0)} | ${fmt(c.p50Ms, 2)} | ${fmt(c.p99Ms, 2)} | ${fmt(c.maxMs, 1)} | ${fmt(c.serverCpuSec, 2)} | ${fmt(c.serverPeakRssMiB, 0)} | ${c.errors} | ${ratioOps} | ${ratioP99} | ${fmt(gen, 2)} | ${notesFor(sc, target, c)} |`)
    }
  }
  return md
}
