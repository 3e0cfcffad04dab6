/**
 * The rounds: every selected session against every selected target, in order, so that each target's run
 * neighbours the others' (A/B alternating); with BENCH_VARIANT each TS target again right after itself.
 */
import { ROUNDS, VARIANT } from './config.ts'
import { fmt } from './format.ts'
import { progress } from './output.ts'
import { runSession } from './run-session.ts'
import { SESSIONS } from './sessions.ts'
import { isTs, TARGETS } from './targets.ts'
import type { RunRecord } from './results.ts'
import type { TsTarget } from './targets.ts'
import type { WriteStream } from 'node:fs'

export async function runRounds (log: WriteStream, started: number): Promise<RunRecord[]> {
  const records: RunRecord[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    for (const def of SESSIONS) {
      if (def.once === true && round > 1) { continue }
      for (const target of def.targets.filter(t => TARGETS.includes(t))) {
        records.push(await runSession(def, target, round, log))
        if (VARIANT && isTs(target)) {
          records.push(await runSession(def, `${target as TsTarget}+`, round, log))
        }
      }
    }
    progress(`round ${round} done after ${fmt((Date.now() - started) / 1000, 0)} s`)
  }
  return records
}
