/**
 * Per-core REGISTER throughput against the raw signature verification rate, and its budget.
 */
import { fmt } from '../format.ts'
import { scenarios } from '../scenarios.ts'
import { cellOf } from '../stats.ts'
import { ALL_TARGETS, isFloor } from '../targets.ts'
import type { BudgetRow } from './budgets.ts'
import type { RunRecord } from '../results.ts'
import type { VerifyRate } from '../verification-rate.ts'

/** Per-core REGISTER throughput against the raw verification rate */
export function verifyTable (records: RunRecord[], verify: VerifyRate | undefined, budgets: BudgetRow[]): string[] {
  const md: string[] = []
  // per-core REGISTER throughput against raw verification
  if (verify != null) {
    md.push('')
    md.push(`Raw signature verification (\`RecordEnvelope.openAndCertify\`, one thread, ${verify.envelopes} envelopes): **${fmt(verify.perCpuSecond, 0)} per CPU-second** (${fmt(verify.perSecond, 0)}/s wall, ${verify.verifications} verifications).`)
    md.push('')
    md.push('| scenario | server | REGISTER per server CPU-second | ÷ raw verification |')
    md.push('|---|---|---:|---:|')
    for (const sc of scenarios().filter(s => s.phase === 'storm')) {
      for (const target of ALL_TARGETS) {
        const c = cellOf(records, sc, target)
        if (c == null) { continue }
        const share = c.perCpuSecond / verify.perCpuSecond
        md.push(`| ${sc.title} | ${target} | ${fmt(c.perCpuSecond, 0)} | ${fmt(share * 100, 0)}% |`)
        if (target !== 'go' && !isFloor(target) && sc.session !== 'storm-1.0.0') {
          budgets.push({ budget: `${sc.title}: per-core REGISTER ≥ 70% of raw verification`, target, measured: `${fmt(share * 100, 0)}%`, met: share >= 0.7 })
        }
      }
    }
  }

  return md
}
