/**
 * `pnpm bench:servers`: this project's rendezvous server (memory and SQLite stores) side by side with the
 * Go reference (go-waku-rendezvous over in-memory goleveldb), driven by one Go load generator in the same
 * run, rounds alternating A/B/A/B so that every TS/Go ratio is computed from neighbouring runs. On
 * /rendezvous/1.0.0 the yardsticks are go-libp2p-rendezvous (go-lrdv, over its SQLite DB) and rust-libp2p
 * (rust-rdv, in memory; the generator seals rust-legacy envelopes for it, the only format it reads).
 *
 * Environment:
 * - BENCH_QUICK=1: N=1,000 only, short phases, one round (about 2 minutes)
 * - BENCH_ROUNDS=<n>: rounds (default 2; 1 in quick mode)
 * - BENCH_PROFILE=1: profile the TS servers around each timed phase (V8 CPU profiler) and summarise by self
 * time; profiling slows them, so the figures of a profiled run are not comparable
 * - BENCH_TARGETS=a,b: only these of go, ts-floor, ts-memory, ts-sqlite, go-libp2p, rust, ts-postgres, ts-postgres-w2
 * (ts-floor: the stack's floor, ts-server.ts --floor, in the register and idle sessions only; ts-postgres: over
 * store-postgres on a PostgreSQL the run starts, one process; ts-postgres-w2: the same in two cluster workers, as
 * `rendezvous serve --workers 2`; both in the storm sessions, with a table of the scaling from 1 to 2 workers)
 * - BENCH_SESSIONS=a,b: only these sessions (ids below)
 * - BENCH_OUT=<dir>: where results go (default interop/bench/results)
 * - BENCH_NO_BUILD=1: do not (re)build the Go binaries and the Rust peer
 * - BENCH_TS_FLAGS="--experiment-no-coalesce-writes": extra flags for ts-server.ts (experiments; never in a full run)
 * - BENCH_NODE_FLAGS="--max-semi-space-size=1": flags for the node running ts-server.ts (never in a full run)
 * - BENCH_VARIANT="--experiment-no-coalesce-writes" and/or BENCH_VARIANT_NODE="--max-semi-space-size=1": an A/B experiment in
 * one run: each TS target runs again right after itself as `<target>+` with these ts-server.ts / node flags,
 * and a table gives variant/base per server CPU-second, pair by pair (never in a full run)
 * - BENCH_POSTGRES_SETTINGS="synchronous_commit=off": extra server settings (name=value, comma-separated) for the
 * PostgreSQL of the ts-postgres targets (an experiment; never in a full run)
 * - BENCH_WAVES=<n>: refresh waves of the register sessions (default 1); more operations per phase
 * - BENCH_IDLE_SETTLE_MS=<ms>: the idle session's wait before each memory reading (default 3,000; quick 1,500),
 * e.g. longer than a connection-monitor interval under test
 * - BENCH_REPORT=<results.json>: run nothing, print the tables of a saved run again
 * - BENCH_DOCS=0: do not rewrite the results block of docs/performance.md (a full, unfiltered, unprofiled
 * run rewrites it, as `pnpm test:interop` rewrites docs/interop.md)
 *
 * Loopback only. Every child process is killed when the run ends, fails or is interrupted.
 */
import { createWriteStream } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { livingChildren } from '../src/json-lines-process.ts'
import { buildBinaries } from './binaries.ts'
import { NO_BUILD, OUT, QUICK, REPORT, ROUNDS } from './config.ts'
import { fmt } from './format.ts'
import { machine } from './machine.ts'
import { progress } from './output.ts'
import { startPostgresIfNeeded } from './postgres.ts'
import { publish } from './publish.ts'
import { report } from './report.ts'
import { runRounds } from './rounds.ts'
import { TARGETS } from './targets.ts'
import { measureVerificationRate } from './verification-rate.ts'

async function main (): Promise<void> {
  await mkdir(OUT, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const log = createWriteStream(join(OUT, `${stamp}.log`))

  await buildBinaries(TARGETS, !NO_BUILD)
  const meta = await machine()
  progress(`${meta.date}: ${meta.cpus}, ${meta.mem}, ${meta.node}, ${meta.go}; rounds ${ROUNDS}${QUICK ? ', quick' : ''}${meta.experiment != null ? `; EXPERIMENT: ${meta.experiment}` : ''}`)

  // the raw verification rate, on the envelopes the storm registers, before any server runs
  const verify = await measureVerificationRate(OUT, QUICK ? 1000 : 3000)
  progress(`raw verification: ${fmt(verify.perCpuSecond, 0)} per CPU-second (${fmt(verify.perSecond, 0)}/s)`)

  const postgres = await startPostgresIfNeeded()
  const started = Date.now()
  const records = await runRounds(log, started)
  log.end()
  await postgres?.stop()

  await publish(stamp, records, verify, meta)
  progress(`results: ${join(OUT, `${stamp}.md`)} (+ .json, .log); ${fmt((Date.now() - started) / 1000, 0)} s`)
}

/** BENCH_REPORT: the tables of a saved run again */
async function rerender (file: string): Promise<void> {
  const saved = JSON.parse(await readFile(file, 'utf8'))
  const meta = { rounds: String(saved.rounds), quick: String(saved.quick), ...saved.meta }
  process.stdout.write(`${report(saved.records, saved.verify, meta).markdown}\n`)
}

try {
  await (REPORT != null ? rerender(REPORT) : main())
} catch (err: any) {
  progress(`bench:servers failed: ${err.stack ?? err}`)
  process.exitCode = 1
  if (livingChildren() > 0) {
    // exiting kills them (interop/src's exit hook)
    process.exit()
  }
}
