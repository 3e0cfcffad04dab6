/**
 * The budgets: each table adds the rows of the budgets it measures, and the report lists them all.
 */

export interface BudgetRow {
  budget: string
  target: string
  measured: string
  met: boolean
}

/** The budget table */
export function budgetTable (budgets: BudgetRow[]): string[] {
  const md = [
    '| budget | server | measured | met |',
    '|---|---|---:|---|'
  ]
  for (const b of budgets) {
    md.push(`| ${b.budget} | ${b.target} | ${b.measured} | ${b.met === true ? 'yes' : '**no**'} |`)
  }
  return md
}
