/**
 * This server against the stack's floor and the Go reference per server CPU-second, the handshake cost as
 * the open connections grow, and issue 13's budgets.
 */
import { fmt, ratioText } from '../format.ts'
import { scenarios } from '../scenarios.ts'
import { CONNECT_STEP, IDLE_N } from '../sessions.ts'
import { cellOf, cpuRatios, median, phasesOf } from '../stats.ts'
import { ALL_TARGETS, isFloor } from '../targets.ts'
import type { BudgetRow } from './budgets.ts'
import type { RunRecord } from '../results.ts'
import type { TargetName } from '../targets.ts'

/**
 * This server against the stack's floor and the Go reference, per server CPU-second (issue 13): server/Go,
 * server/floor, floor/Go, and the server's own share of a REGISTER's CPU, 1 - server/floor (read off the
 * ratio, not off self time: the server's stream pattern drives work booked under libp2p's names). Then
 * the handshake cost at 1,000 and 5,000 open connections, and issue 13's budgets.
 */
export function floorTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
  if (!records.some(r => isFloor(r.target))) {
    return []
  }
  const md: string[] = []
  md.push('')
  md.push('Per server CPU-second against the stack\'s floor (`ts-floor`: the same node, stack and settings, whose handler reads one frame and answers a fixed REGISTER OK) and the Go reference; ratios pair by pair in each round, median (each round in parentheses); own share = 1 - server/floor:')
  md.push('')
  md.push('| scenario | go | ts-floor | ts-memory | ts-sqlite | floor/Go | ts-memory/Go | ts-memory/floor | ts-memory own share | ts-sqlite/floor |')
  md.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  const keys = ['storm-1k/connect', 'storm-1k/storm', 'storm-1k/refresh', 'storm-10k/connect', 'storm-10k/storm', 'storm-10k/refresh', 'idle/connect-to-1000', `idle/connect-to-${IDLE_N}`]
  const text = (v: number[]): string => v.length === 0 ? '' : ratioText(v)
  for (const sc of scenarios().filter(s => keys.includes(s.key))) {
    const per = (t: TargetName): string => fmt(cellOf(records, sc, t)?.perCpuSecond, 0)
    if (!ALL_TARGETS.some(t => phasesOf(records, sc, t).size > 0)) {
      continue
    }
    const memFloor = cpuRatios(records, sc, 'ts-memory', 'ts-floor')
    const memGo = cpuRatios(records, sc, 'ts-memory', 'go')
    const share = memFloor.map(x => 1 - x)
    md.push(`| ${sc.title} | ${per('go')} | ${per('ts-floor')} | ${per('ts-memory')} | ${per('ts-sqlite')} | ${text(cpuRatios(records, sc, 'ts-floor', 'go'))} | **${text(memGo)}** | **${text(memFloor)}** | ${share.length > 0 ? `${fmt(median(share) * 100, 0)}%` : ''} | ${text(cpuRatios(records, sc, 'ts-sqlite', 'ts-floor'))} |`)
    if (sc.phase === 'storm' || sc.phase === 'refresh') {
      const [min, minGo] = sc.phase === 'storm' ? [0.7, 0.5] : [0.85, 1.0]
      if (memFloor.length > 0) {
        budgets.push({ budget: `issue 13: ${sc.title}: server/floor per CPU-s ≥ ${fmt(min, 2)}`, target: 'ts-memory', measured: `${fmt(median(memFloor), 2)}×`, met: median(memFloor) >= min })
      }
      if (memGo.length > 0) {
        budgets.push({ budget: `issue 13: ${sc.title}: server/Go per CPU-s ≥ ${fmt(minGo, 1)}`, target: 'ts-memory', measured: `${fmt(median(memGo), 2)}×`, met: median(memGo) >= minGo })
      }
    }
  }
  md.push(...handshakeTable(records, budgets))
  return md
}

/** The handshake cost at 1,000 and at 5,000 open connections, and the memory per idle connection's budget */
function handshakeTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
  const md: string[] = []
  const first = scenarios().find(s => s.key === 'idle/connect-to-1000')
  const last = scenarios().find(s => s.key === `idle/connect-to-${IDLE_N}`)
  if (first != null && last != null) {
    md.push('')
    md.push(`Server CPU per handshake as the open connections grow (idle session: ${fmt(IDLE_N, 0)} peers connected ${fmt(CONNECT_STEP, 0)} at a time, none closed):`)
    md.push('')
    md.push(`| server | ms per handshake, 0 → 1,000 open | ms per handshake, ${fmt(IDLE_N - CONNECT_STEP, 0)} → ${fmt(IDLE_N, 0)} open | ratio | handshakes per CPU-s ÷ Go (0 → 1,000) |`)
    md.push('|---|---:|---:|---:|---:|')
    for (const target of ALL_TARGETS) {
      const a = cellOf(records, first, target)
      const b = cellOf(records, last, target)
      if (a == null) {
        continue
      }
      const msA = 1000 / a.perCpuSecond
      const msB = b != null ? 1000 / b.perCpuSecond : NaN
      const vsGo = target === 'go' ? [] : cpuRatios(records, first, target, 'go')
      md.push(`| ${target} | ${fmt(msA, 2)} | ${fmt(msB, 2)} | ${fmt(msB / msA, 2)}× | ${vsGo.length > 0 ? `${fmt(median(vsGo), 2)}×` : ''} |`)
      if (target === 'ts-memory') {
        budgets.push({ budget: 'issue 13: cost per handshake at 5,000 open connections ≤ 1.2× that at 1,000', target, measured: `${fmt(msB / msA, 2)}× (${fmt(msA, 2)} → ${fmt(msB, 2)} ms)`, met: msB / msA <= 1.2 })
        if (vsGo.length > 0) {
          budgets.push({ budget: 'issue 13: handshakes per CPU-s ≥ 0.4× Go (0 → 1,000 open)', target, measured: `${fmt(median(vsGo), 2)}×`, met: median(vsGo) >= 0.4 })
        }
      }
    }
    const idle = scenarios().find(s => s.key === 'idle/idle')
    const mem = idle != null ? cellOf(records, idle, 'ts-memory') : undefined
    if (mem?.kibPerConnection != null) {
      budgets.push({ budget: 'issue 13: memory per idle connection ≤ 60 KiB', target: 'ts-memory', measured: `${fmt(mem.kibPerConnection, 1)} KiB (${mem.connections} connections)`, met: mem.kibPerConnection <= 60 })
    }
  }
  return md
}
