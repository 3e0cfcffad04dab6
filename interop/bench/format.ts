/** Figures as the tables print them */
import { median } from './stats.ts'

/** A number with `digits` decimals and thousands separators; `–` when there is none */
export function fmt (v: number | undefined, digits = 1): string {
  if (v == null || !Number.isFinite(v)) { return '–' }
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** The median of ratios, then each one when there are several: `1.23× (1.20, 1.26)` */
export function ratioText (values: number[]): string {
  const m = `${fmt(median(values), 2)}×`
  return values.length > 1 ? `${m} (${values.map(x => fmt(x, 2)).join(', ')})` : m
}
