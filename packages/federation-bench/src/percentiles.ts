/** p50, p99 and max of a sample, in the sample's unit */
export interface Percentiles {
  count: number
  p50: number
  p99: number
  max: number
}

/** Nearest-rank percentiles of `values` (which it sorts) */
export function percentiles (values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN }
}
