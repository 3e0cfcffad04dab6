/**
 * What a run leaves: the tables on stdout and in results/<stamp>.md (with the profile summaries of a
 * profiled run), the saved run in results/<stamp>.json (BENCH_REPORT prints it again), and the blocks of
 * docs/performance.md that this run's selection may rewrite.
 */
import { writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { DOCS, OUT, PROFILE, QUICK, ROUNDS, SESSION_FILTER, TARGET_FILTER, UNALTERED } from './config.ts'
import { RESULTS_BLOCK, updateDocs, V1_BLOCK } from './docs-block.ts'
import { summarizeProfile } from './profile.ts'
import { report } from './report.ts'
import { SESSIONS } from './sessions.ts'
import { v1Table } from './tables/v1-table.ts'
import { TARGETS, V1_TARGETS } from './targets.ts'
import type { RunRecord } from './results.ts'
import type { VerifyRate } from './verification-rate.ts'

/** The CPU profiles of the first round's TS servers, summarised by self time (BENCH_PROFILE) */
async function profileSummaries (records: RunRecord[]): Promise<string> {
  const parts: string[] = []
  for (const r of records.filter(r => r.round === 1)) {
    for (const p of r.profiles ?? []) {
      parts.push(`#### ${r.session} · ${p.phase} · ${r.target}\n\n${await summarizeProfile(p.paths, 15)}`)
    }
  }
  return parts.length > 0 ? `\n\nCPU profiles of the TS server (self time):\n\n${parts.join('\n\n')}` : ''
}

/** Print and save the run `stamp`, and rewrite what it may of docs/performance.md */
export async function publish (stamp: string, records: RunRecord[], verify: VerifyRate, meta: Record<string, string>): Promise<void> {
  const { markdown } = report(records, verify, meta)
  const output = markdown + (PROFILE ? await profileSummaries(records) : '')
  process.stdout.write(`${output}\n`)
  await writeFile(join(OUT, `${stamp}.md`), `${output}\n`)
  if (UNALTERED && SESSION_FILTER == null && TARGET_FILTER == null && DOCS) {
    await updateDocs(markdown, RESULTS_BLOCK)
  }
  // the 1.0.0 comparison has its own block, rewritten whenever both 1.0.0 sessions ran against every 1.0.0 target
  const v1Complete = UNALTERED && ['storm-1.0.0', 'discovery-1.0.0'].every(id => SESSIONS.some(s => s.id === id)) && V1_TARGETS.every(t => TARGETS.includes(t))
  if (v1Complete && DOCS) {
    // the load average tells how much of the two cores other work took meanwhile
    const load = `load average ${meta.loadStart} at the start, ${loadavg()[0].toFixed(1)} at the end`
    await updateDocs([`Run ${meta.date} · ${meta.cpus} · ${meta.node} · ${meta.go} · ${load}`, '', ...v1Table(records)].join('\n'), V1_BLOCK)
  }
  await writeFile(join(OUT, `${stamp}.json`), JSON.stringify({ meta, quick: QUICK, rounds: ROUNDS, verify, records }, null, 2))
}
