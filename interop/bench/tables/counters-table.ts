/**
 * The TS server's own counters of the first round.
 */
import { isFloor, isTs } from '../targets.ts'
import type { RunRecord } from '../results.ts'

/** The TS server's own counters: verification cache use */
export function countersTable (records: RunRecord[]): string[] {
  const md: string[] = []
  // the TS server's own counters: verification cache use
  md.push('')
  md.push('TS server counters (first round):')
  md.push('')
  md.push('| session | server | verifications | cache hits | streams opened | timed out | malformed |')
  md.push('|---|---|---:|---:|---:|---:|---:|')
  for (const r of records.filter(r => isTs(r.target) && !isFloor(r.target) && r.round === 1 && r.serverStats != null)) {
    const s = r.serverStats as any
    md.push(`| ${r.session} | ${r.target} | ${s.verifications} | ${s.verificationCacheHits} | ${s.streams?.opened} | ${s.streams?.timedOut} | ${s.streams?.malformed} |`)
  }
  return md
}
