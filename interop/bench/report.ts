/**
 * The report of a run: its header, then every table that has something to show, and the budgets.
 */
import { machineShares } from './stats.ts'
import { budgetTable } from './tables/budgets.ts'
import { countersTable } from './tables/counters-table.ts'
import { floorTable } from './tables/floor-table.ts'
import { lostTable } from './tables/lost-table.ts'
import { mainTable } from './tables/main-table.ts'
import { scalingTable } from './tables/scaling-table.ts'
import { v1Table } from './tables/v1-table.ts'
import { variantTable } from './tables/variant-table.ts'
import { verifyTable } from './tables/verify-table.ts'
import type { RunRecord } from './results.ts'
import type { BudgetRow } from './tables/budgets.ts'
import type { VerifyRate } from './verification-rate.ts'

export interface Report {
  markdown: string
  budgets: BudgetRow[]
}

/** The tables of `records` as Markdown; `meta` is what the run ran on (see machine.ts) */
export function report (records: RunRecord[], verify: VerifyRate | undefined, meta: Record<string, string>): Report {
  const md: string[] = []
  const machine = machineShares(records.flatMap(r => r.phases))
  const load = machine == null ? '' : ` · during the timed phases the machine was ${Math.round(machine.busy * 100)}% busy and the hypervisor took ${(machine.steal * 100).toFixed(1)}% of its time`
  md.push(`Run ${meta.date} · ${meta.cpus} · ${meta.mem} · ${meta.node} · ${meta.go} · rounds ${meta.rounds}${load}${meta.quick === 'true' ? ' · QUICK mode' : ''}${meta.experiment != null ? ` · EXPERIMENT: ${meta.experiment}` : ''}${meta.variant != null ? ` · A/B VARIANT: ${meta.variant}` : ''}`)
  md.push('')
  const budgets: BudgetRow[] = []
  md.push(...mainTable(records, budgets))
  const v1 = v1Table(records)
  if (v1.length > 0) {
    md.push('')
    md.push('`/rendezvous/1.0.0` against go-libp2p-rendezvous (`go-libp2p`) and rust-libp2p (`rust`), one round:')
    md.push('')
    md.push(...v1)
  }

  md.push(...floorTable(records, budgets))
  md.push(...scalingTable(records, budgets))
  md.push(...variantTable(records))
  md.push(...verifyTable(records, verify, budgets))
  md.push(...lostTable(records, budgets))
  md.push('')
  md.push('Budgets:')
  md.push('')
  md.push(...budgetTable(budgets))

  md.push(...countersTable(records))
  return { markdown: md.join('\n'), budgets }
}
