import { fmt } from '../format.ts'
import { V1_SCENARIOS } from '../scenarios.ts'
import { cellOf } from '../stats.ts'
import { isTs, V1_TARGETS, V1_YARDSTICKS } from '../targets.ts'
import type { RunRecord } from '../results.ts'
import type { TargetName } from '../targets.ts'

/**
 * One row per 1.0.0 scenario and server, with this server's ratios to each yardstick in the same run
 * (ops/s ours ÷ theirs: above 1 is faster; p99 ours ÷ theirs: below 1 is better). Empty when no 1.0.0
 * session ran against a yardstick.
 */
export function v1Table (records: RunRecord[]): string[] {
  const ran = (target: TargetName): boolean => records.some(r => r.target === target && r.dialect === 'rendezvous')
  const yardsticks = V1_YARDSTICKS.filter(ran)
  if (yardsticks.length === 0) {
    return []
  }
  const md = [
    `| scenario | server | ops/s | p50 ms | p99 ms | server CPU s | per server CPU-s | peak RSS MiB | errors | avg returned | ${yardsticks.map(y => `ops/s ÷ ${y} | p99 ÷ ${y}`).join(' | ')} |`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|---:|${yardsticks.map(() => '---:|---:').join('|')}|`
  ]
  for (const sc of V1_SCENARIOS) {
    const cells = new Map(V1_TARGETS.map(t => [t, cellOf(records, sc, t)]))
    for (const target of V1_TARGETS) {
      const c = cells.get(target)
      if (c == null) {
        continue
      }
      const vs = yardsticks.map(y => {
        const other = cells.get(y)
        if (!isTs(target) || other == null) {
          return ' | '
        }
        return `**${fmt(c.opsPerSec / other.opsPerSec, 2)}×** | ${fmt(c.p99Ms / other.p99Ms, 2)}×`
      })
      const returned = sc.phase.startsWith('discover') || sc.phase.startsWith('mixed') ? fmt(c.avgReturned, 1) : ''
      md.push(`| ${sc.title} | ${target} | ${fmt(c.opsPerSec, 0)} | ${fmt(c.p50Ms, 2)} | ${fmt(c.p99Ms, 2)} | ${fmt(c.serverCpuSec, 2)} | ${fmt(c.perCpuSecond, 0)} | ${fmt(c.serverPeakRssMiB, 0)} | ${c.errors} | ${returned} | ${vs.join(' | ')} |`)
    }
  }
  return md
}
