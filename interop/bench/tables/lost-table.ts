/**
 * The no-lost-registration checks, the sessions that failed, and the error and loss budgets.
 */
import { isTs, V1_YARDSTICKS } from '../targets.ts'
import type { BudgetRow } from './budgets.ts'
import type { RunRecord } from '../results.ts'

/** The no-lost-registration checks, and the error and loss budgets */
export function lostTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
  const md: string[] = []
  // no lost registration
  md.push('')
  md.push('No lost registration (every acknowledged, unexpired registration is discoverable):')
  md.push('')
  md.push('| session | server | round | method | expected | seen | lost | older envelope | expired during check | requests | complete |')
  md.push('|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|')
  for (const r of records) {
    if (V1_YARDSTICKS.includes(r.target)) {
      continue
    }
    if (r.target === 'go') {
      if (r.phases.some(p => p.name === 'storm' || p.name === 'populate')) {
        md.push(`| ${r.session} | go | ${r.round} | n/a: the reference deletes registrations 0.5-2.5 s after they are made (TTL read as nanoseconds), so the check is meaningless | | | | | | | |`)
      }
      continue
    }
    for (const c of r.checks) {
      md.push(`| ${r.session} | ${r.target} | ${r.round} | ${c.method} | ${c.expected} | ${c.seen} | ${c.lost} | ${c.older} | ${c.expiredDuringCheck} | ${c.requests} | ${c.complete ? 'yes' : `no${c.error != null ? ` (${c.error})` : ''}`} |`)
    }
  }
  const tsRecords = records.filter(r => isTs(r.target))
  const lost = tsRecords.reduce((s, r) => s + r.checks.reduce((t, c) => t + c.lost + c.older, 0), 0)
  const incomplete = tsRecords.some(r => r.checks.some(c => !c.complete))
  const errors = tsRecords.reduce((s, r) => s + r.phases.reduce((t, p) => t + p.errors + (p.backgroundErrors ?? 0), 0), 0)
  const failed = records.filter(r => r.error != null)
  budgets.push({ budget: 'no errors (TS servers, all phases)', target: 'ts-*', measured: `${errors} errors`, met: errors === 0 })
  budgets.push({ budget: 'no lost registration (TS servers)', target: 'ts-*', measured: `${lost} lost or stale${incomplete ? ', some checks incomplete' : ''}`, met: lost === 0 && !incomplete })
  if (failed.length > 0) {
    md.push('')
    md.push('Sessions that failed:')
    for (const r of failed) { md.push(`- ${r.session} ${r.target} round ${r.round}: ${r.error}`) }
  }

  return md
}
