/**
 * BENCH_VARIANT: each TS target against itself with the variant's flags, per server CPU-second, pair by
 * pair, and peak RSS (memory per connection in the idle session).
 */
import { experimentText, VARIANT_FLAGS, VARIANT_NODE_FLAGS } from '../config.ts'
import { fmt, ratioText } from '../format.ts'
import { scenarios } from '../scenarios.ts'
import { cellOf, cpuRatios } from '../stats.ts'
import { isVariant } from '../targets.ts'
import type { RunRecord } from '../results.ts'
import type { TsTarget } from '../targets.ts'

export function variantTable (records: RunRecord[]): string[] {
  if (!records.some(r => isVariant(r.target))) {
    return []
  }
  const md = [
    '',
    `A/B experiment: \`<target>+\` ran with ${experimentText(VARIANT_NODE_FLAGS, VARIANT_FLAGS)}, right after \`<target>\` in each round; variant/base per server CPU-second, pair by pair (each round in parentheses), and peak RSS:`,
    '',
    '| scenario | target | base per CPU-s | variant per CPU-s | variant/base | base peak RSS MiB | variant peak RSS MiB |',
    '|---|---|---:|---:|---:|---:|---:|'
  ]
  for (const sc of scenarios()) {
    for (const base of ['ts-floor', 'ts-memory', 'ts-sqlite'] as TsTarget[]) {
      const a = cellOf(records, sc, base)
      const b = cellOf(records, sc, `${base}+`)
      if (a == null || b == null) {
        continue
      }
      if (sc.phase === 'idle') {
        md.push(`| ${sc.title} | ${base} | ${fmt(a.kibPerConnection, 1)} KiB/conn | ${fmt(b.kibPerConnection, 1)} KiB/conn | ${fmt((b.kibPerConnection ?? NaN) / (a.kibPerConnection ?? NaN), 2)}× | ${fmt(a.serverPeakRssMiB, 0)} | ${fmt(b.serverPeakRssMiB, 0)} |`)
        continue
      }
      md.push(`| ${sc.title} | ${base} | ${fmt(a.perCpuSecond, 0)} | ${fmt(b.perCpuSecond, 0)} | **${ratioText(cpuRatios(records, sc, `${base}+`, base))}** | ${fmt(a.serverPeakRssMiB, 0)} | ${fmt(b.serverPeakRssMiB, 0)} |`)
    }
  }
  return md
}
