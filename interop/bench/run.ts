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
 * - BENCH_TS_FLAGS="--experiment-cork": extra flags for ts-server.ts (experiments; never in a full run)
 * - BENCH_NODE_FLAGS="--max-semi-space-size=1": flags for the node running ts-server.ts (never in a full run)
 * - BENCH_VARIANT="--experiment-cork" and/or BENCH_VARIANT_NODE="--max-semi-space-size=1": an A/B experiment in
 * one run: each TS target runs again right after itself as `<target>+` with these ts-server.ts / node flags,
 * and a table gives variant/base per server CPU-second, pair by pair (never in a full run)
 * - BENCH_WAVES=<n>: refresh waves of the register sessions (default 1); more operations per phase
 * - BENCH_IDLE_SETTLE_MS=<ms>: the idle session's wait before each memory reading (default 3,000; quick 1,500),
 * e.g. longer than a connection-monitor interval under test
 * - BENCH_REPORT=<results.json>: run nothing, print the tables of a saved run again
 * - BENCH_DOCS=0: do not rewrite the results block of docs/performance.md (a full, unfiltered, unprofiled
 * run rewrites it, as `pnpm test:interop` rewrites docs/interop.md)
 *
 * Loopback only. Every child process is killed when the run ends, fails or is interrupted.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { summarizeProfile } from './profile.ts'
import type { ChildProcess } from 'node:child_process'
import type { WriteStream } from 'node:fs'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '../..')
const BIN = join(HERE, 'bin')
const GEN = join(BIN, 'rdv-bench')
const GO_RDV = join(BIN, 'go-rdv')
const GO_LRDV = join(BIN, 'go-lrdv')
const RUST_DIR = join(ROOT, 'interop', 'rust-libp2p')
const RUST_RDV = join(RUST_DIR, 'target', 'release', 'rust-rdv')

const flag = (name: string): boolean => ['1', 'true', 'yes', 'on'].includes((process.env[name] ?? '').toLowerCase())
const list = (name: string): string[] | undefined => process.env[name]?.split(',').map(s => s.trim()).filter(s => s !== '')

const QUICK = flag('BENCH_QUICK')
const ROUNDS = Math.max(1, Math.min(10, Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 2))))
const PROFILE = flag('BENCH_PROFILE')
const OUT = resolve(process.env.BENCH_OUT ?? join(HERE, 'results'))
const PHASE_SECONDS = QUICK ? 1.5 : 3
const SEED = 'rendezvous-bench-1'
const TS_FLAGS = (process.env.BENCH_TS_FLAGS ?? '').split(/\s+/).filter(f => f !== '')
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(f => f !== '')
const VARIANT_FLAGS = (process.env.BENCH_VARIANT ?? '').split(/\s+/).filter(f => f !== '')
const VARIANT_NODE_FLAGS = (process.env.BENCH_VARIANT_NODE ?? '').split(/\s+/).filter(f => f !== '')
const VARIANT = VARIANT_FLAGS.length > 0 || VARIANT_NODE_FLAGS.length > 0
const WAVES = Math.max(1, Math.min(10, Number(process.env.BENCH_WAVES ?? 1)))

type TsTarget = 'ts-floor' | 'ts-memory' | 'ts-sqlite' | 'ts-postgres' | 'ts-postgres-w2'
/** `<ts target>+`: the same with BENCH_VARIANT's flags (an A/B experiment) */
type TargetName = 'go' | TsTarget | `${TsTarget}+` | 'go-libp2p' | 'rust'
/**
 * The /vac/waku/rendezvous/0.0.1 targets. `ts-floor` is the stack's floor (`ts-server.ts --floor`: read one
 * frame, answer a fixed REGISTER OK): it stores nothing, so it runs in the register and idle sessions only,
 * next to the Go reference and before this server in each round (A/B alternating)
 */
const ALL_TARGETS: TargetName[] = ['go', 'ts-floor', 'ts-memory', 'ts-sqlite']
/** The targets of sessions that read back what was stored (discovery): not the floor */
const STORING_TARGETS: TargetName[] = ['go', 'ts-memory', 'ts-sqlite']
/** The /rendezvous/1.0.0 targets: ours and the two yardsticks */
const V1_TARGETS: TargetName[] = ['ts-memory', 'ts-sqlite', 'go-libp2p', 'rust']
const V1_YARDSTICKS: TargetName[] = ['go-libp2p', 'rust']
/** Over PostgreSQL, in one process and in two workers (issue 14): the storm sessions only */
const POSTGRES_TARGETS: TargetName[] = ['ts-postgres', 'ts-postgres-w2']
const isPostgres = (target: TargetName): boolean => target.startsWith('ts-postgres')
const TARGETS = [...ALL_TARGETS, ...V1_YARDSTICKS, ...POSTGRES_TARGETS].filter(t => list('BENCH_TARGETS')?.includes(t) ?? true)
const isTs = (target: TargetName): boolean => target.startsWith('ts-')
const isFloor = (target: TargetName): boolean => target.startsWith('ts-floor')
const isVariant = (target: TargetName): boolean => target.endsWith('+')
/** Idle session: peers connected in steps of this many, each step a phase (`connect-to-<open>`) */
const CONNECT_STEP = 1000
const IDLE_N = 5000

/** What the generator's `session --spec` takes (see loadgen/session.go) */
interface Spec {
  kind: 'register' | 'discovery' | 'idle'
  dialect: 'waku' | 'rendezvous'
  /** The envelopes' record format (the generator's default: standard) */
  recordFormat?: 'standard' | 'rust-legacy'
  n: number
  ttl?: number
  concurrency?: number
  connectConcurrency?: number
  connectBatch?: number
  connectSeconds?: number
  connectStep?: number
  refreshWaves?: number
  discoverConcurrency?: number
  discoverLimits?: number[]
  mixedConcurrency?: number[]
  mixedLimit?: number
  envelopesPerPeer?: number
  keepaliveMs?: number
  warmupOps?: number
  phaseSeconds?: number
  settleMs?: number
}

interface SessionDef {
  id: string
  targets: TargetName[]
  spec: Spec
  /** Run in round 1 only (memory per connection does not need the A/B repetition) */
  once?: boolean
}

const N_LARGE = 10_000
const ALL_SESSIONS: SessionDef[] = [
  { id: 'storm-1k', targets: [...ALL_TARGETS, ...POSTGRES_TARGETS], spec: { kind: 'register', dialect: 'waku', n: 1000, ttl: 20 } },
  // 1,000 peers connected at a time: js-libp2p's connection manager makes each new connection cost time
  // linear in the open ones (see docs/performance.md), so 10,000 at once would measure that alone
  ...(QUICK ? [] : [{ id: 'storm-10k', targets: [...ALL_TARGETS, ...POSTGRES_TARGETS], spec: { kind: 'register', dialect: 'waku', n: N_LARGE, ttl: 20, connectBatch: 1000 } } satisfies SessionDef]),
  {
    id: 'discovery',
    targets: STORING_TARGETS,
    spec: {
      kind: 'discovery',
      dialect: 'waku',
      n: 1000,
      ttl: 20,
      discoverConcurrency: 16,
      discoverLimits: [10, 100],
      mixedConcurrency: [1, 16, 128],
      mixedLimit: 10,
      envelopesPerPeer: QUICK ? 12 : 16,
      keepaliveMs: 1000,
      warmupOps: 300
    }
  },
  // 5,000 peers in steps of 1,000, all kept open: the handshake cost at 1,000 and at 5,000 open connections
  { id: 'idle', targets: ALL_TARGETS, once: true, spec: { kind: 'idle', dialect: 'waku', n: IDLE_N, connectStep: CONNECT_STEP, settleMs: Math.max(0, Math.min(300_000, Number(process.env.BENCH_IDLE_SETTLE_MS ?? (QUICK ? 1500 : 3000)))), connectSeconds: 150 } },
  // /rendezvous/1.0.0: this server against go-libp2p-rendezvous and rust-libp2p
  { id: 'storm-1.0.0', targets: V1_TARGETS, once: true, spec: { kind: 'register', dialect: 'rendezvous', n: 1000, ttl: 7200 } },
  {
    id: 'discovery-1.0.0',
    targets: V1_TARGETS,
    once: true,
    spec: {
      kind: 'discovery',
      dialect: 'rendezvous',
      n: 1000,
      ttl: 7200,
      discoverConcurrency: 16,
      discoverLimits: [10, 100],
      mixedConcurrency: [16],
      mixedLimit: 10,
      envelopesPerPeer: QUICK ? 12 : 16,
      keepaliveMs: 0,
      warmupOps: 300
    }
  }
]
const SESSIONS = ALL_SESSIONS.filter(s => list('BENCH_SESSIONS')?.includes(s.id) ?? true)

interface PhaseResult {
  event: 'phase'
  name: string
  concurrency: number
  ops: number
  errors: number
  errorSamples?: string[]
  seconds: number
  opsPerSec: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  serverCpuSec: number
  serverPeakRssMiB: number
  serverRssMiB: number
  peakIsPhaseOnly: boolean
  genCpuSec: number
  avgReturned?: number
  registers?: number
  discovers?: number
  backgroundRegisters?: number
  backgroundErrors?: number
  backgroundSkipped?: number
  endedBy: string
  connections?: number
  rssBeforeMiB?: number
  rssAfterMiB?: number
  kibPerConnection?: number
}

interface CheckResult {
  event: 'check'
  method: string
  expected: number
  seen: number
  lost: number
  older: number
  expiredDuringCheck: number
  requests: number
  seconds: number
  complete: boolean
  error?: string
}

interface RunRecord {
  session: string
  target: TargetName
  round: number
  dialect: string
  phases: PhaseResult[]
  checks: CheckResult[]
  serverStats?: Record<string, unknown>
  error?: string
  /** phase -> its .cpuprofile files (BENCH_PROFILE) */
  profiles?: Array<{ phase: string, paths: string[] }>
}

const PROFILED_PHASES = ['connect', 'storm', 'refresh', 'discover-10', 'discover-100', 'mixed']

// ---------------------------------------------------------------------------------------------------
// child processes: every one is tracked and killed when the run ends, however it ends

const children = new Set<ChildProcess>()

function killAll (): void {
  for (const child of children) {
    if (child.exitCode == null && child.signalCode == null && child.pid != null) {
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // it exited meanwhile
      }
    }
  }
}
process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })
}

/** Spawn with the soft file-descriptor limit raised to the hard limit (10,000 connections need 10,000 fds) */
function spawnTracked (cmd: string[], log: WriteStream): ChildProcess {
  const child = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...cmd], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  children.add(child)
  child.on('exit', () => children.delete(child))
  child.stderr?.pipe(log, { end: false })
  return child
}

async function waitExit (child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode != null || child.signalCode != null) {
    return true
  }
  const timer = new Promise<false>(resolve => { setTimeout(() => resolve(false), ms).unref() })
  return Promise.race([once(child, 'exit').then(() => true), timer])
}

function run (cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', process.stderr, 'inherit'] })
    children.add(child)
    child.on('exit', (code) => {
      children.delete(child)
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))
    })
    child.on('error', reject)
  })
}

// ---------------------------------------------------------------------------------------------------
// servers

interface Server {
  child: ChildProcess
  pid: number
  multiaddr: string
  lines: Array<Record<string, any>>
  dataDir?: string
  profileDir?: string
}

let schemas = 0

async function startServer (target: TargetName, log: WriteStream, profileDir?: string): Promise<Server> {
  let cmd: string[]
  let dataDir: string | undefined
  if (target === 'go') {
    cmd = [GO_RDV, 'server', '--listen', '/ip4/127.0.0.1/tcp/0']
  } else if (target === 'go-libp2p') {
    // its in-memory SQLite DB: over a file, concurrent REGISTERs fail with 300 "database error" (the
    // library opens the file without a busy timeout, and database/sql pools several connections)
    cmd = [GO_LRDV, 'server', '--listen', '/ip4/127.0.0.1/tcp/0', '--db', ':memory:']
  } else if (target === 'rust') {
    cmd = [RUST_RDV, 'server', '--listen', '/ip4/127.0.0.1/tcp/0']
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'rendezvous-bench-'))
    cmd = [
      process.execPath,
      ...NODE_FLAGS,
      ...(isVariant(target) ? VARIANT_NODE_FLAGS : []),
      join(HERE, 'ts-server.ts'),
      ...(profileDir != null ? ['--profile-dir', profileDir] : []),
      '--store', target.startsWith('ts-sqlite') ? 'sqlite' : isPostgres(target) ? 'postgres' : 'memory',
      // each server its own schema: every session starts from an empty store
      ...(isPostgres(target) ? ['--schema', `bench_${++schemas}`] : []),
      ...(target.startsWith('ts-postgres-w2') ? ['--workers', '2'] : []),
      ...(isFloor(target) ? ['--floor'] : []),
      ...(isVariant(target) ? VARIANT_FLAGS : []),
      '--listen', '/ip4/127.0.0.1/tcp/0',
      '--data-dir', dataDir,
      ...TS_FLAGS
    ]
  }
  const child = spawnTracked(cmd, log)
  const lines: Array<Record<string, any>> = []
  const rl = createInterface({ input: child.stdout! })
  const ready = new Promise<Record<string, any>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${target} did not start within 30 s`)), 30_000)
    rl.on('line', (text) => {
      let event: Record<string, any>
      try { event = JSON.parse(text) } catch { return }
      lines.push(event)
      if (event.event === 'ready') {
        clearTimeout(timer)
        resolve(event)
      } else if (event.event === 'error') {
        clearTimeout(timer)
        reject(new Error(`${target}: ${String(event.message)}`))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${target} exited with ${code} before it was ready`))
    })
  })
  const event = await ready
  const multiaddr = (event.multiaddrs as string[]).find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))
  if (multiaddr == null || child.pid == null) {
    throw new Error(`${target} has no /ip4/127.0.0.1/tcp address: ${JSON.stringify(event.multiaddrs)}`)
  }
  return { child, pid: child.pid, multiaddr, lines, dataDir, profileDir }
}

async function stopServer (server: Server): Promise<void> {
  server.child.stdin?.end()
  server.child.kill('SIGTERM')
  if (!(await waitExit(server.child, 20_000))) {
    server.child.kill('SIGKILL')
    await waitExit(server.child, 5_000)
  }
  if (server.dataDir != null) {
    await rm(server.dataDir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------------
// one session: one fresh server, one generator run

async function runSession (def: SessionDef, target: TargetName, round: number, log: WriteStream): Promise<RunRecord> {
  const record: RunRecord = { session: def.id, target, round, dialect: def.spec.dialect, phases: [], checks: [] }
  const profiled: string[] = []
  const profileDir = PROFILE && isTs(target) ? join(OUT, 'profiles', `${def.id}-${target}-r${round}`) : undefined
  if (profileDir != null) {
    await rm(profileDir, { recursive: true, force: true })
    await mkdir(profileDir, { recursive: true })
  }
  log.write(`\n=== ${def.id} ${target} round ${round} ===\n`)
  let server: Server | undefined
  try {
    server = await startServer(target, log, profileDir)
    const ts = isTs(target)
    const spec = {
      server: server.multiaddr,
      serverPid: server.pid,
      namespace: 'bench',
      seed: SEED,
      phaseSeconds: PHASE_SECONDS,
      maxSessionSeconds: 300,
      // the Go reference keeps registrations 0.5-2.5 s (TTL read as nanoseconds) and the floor stores
      // nothing: nothing to check there
      checkRendezvous: ts && !isFloor(target),
      checkWaku: ts && !isFloor(target) && def.spec.dialect === 'waku',
      ...(profileDir != null ? { profilePhases: PROFILED_PHASES } : {}),
      ...def.spec,
      ...(def.spec.kind === 'register' && WAVES > 1 ? { refreshWaves: WAVES } : {}),
      // the background re-registration exists for the Go reference's vanishing registrations: Go only
      ...(target !== 'go' ? { keepaliveMs: 0 } : {}),
      // rust-libp2p reads only its legacy record format
      ...(target === 'rust' ? { recordFormat: 'rust-legacy' } : {})
    }
    const gen = spawnTracked([GEN, 'session', '--spec', JSON.stringify(spec)], log)
    gen.stdin?.end()
    const rl = createInterface({ input: gen.stdout! })
    rl.on('line', (text) => {
      let event: any
      try { event = JSON.parse(text) } catch { return }
      if (event.event === 'phase') {
        record.phases.push(event)
        progress(`  ${def.id.padEnd(16)} ${target.padEnd(9)} r${round} ${phaseLabel(event).padEnd(14)} ${fmt(event.opsPerSec, 0).padStart(7)} ops/s  p99 ${fmt(event.p99Ms, 1).padStart(7)} ms  cpu ${fmt(event.serverCpuSec, 2)} s  errors ${event.errors}`)
      } else if (event.event === 'check') {
        record.checks.push(event)
      } else if (event.event === 'profiled') {
        profiled.push(String(event.name))
      } else if (event.event === 'error') {
        record.error = String(event.message)
      }
    })
    const exited = await waitExit(gen, (spec.maxSessionSeconds + 30) * 1000)
    if (!exited) {
      gen.kill('SIGKILL')
      record.error ??= 'generator timed out'
    } else if (gen.exitCode !== 0) {
      record.error ??= `generator exited with ${gen.exitCode}`
    }
  } catch (err: any) {
    record.error = err.message
  } finally {
    if (server != null) {
      await stopServer(server)
      const stats = server.lines.find(l => l.event === 'stats')
      if (stats != null) {
        record.serverStats = stats
      }
    }
  }
  if (profileDir != null) {
    // phase-<k>.cpuprofile is the k-th profiled run, named by the generator's k-th "profiled" line (a
    // batched phase has one per batch, all merged into one summary)
    const files = new Set(await readdir(profileDir).catch(() => []))
    const byPhase = new Map<string, string[]>()
    profiled.forEach((name, k) => {
      const file = `phase-${k + 1}.cpuprofile`
      if (files.has(file)) {
        byPhase.set(name, [...(byPhase.get(name) ?? []), join(profileDir, file)])
      }
    })
    record.profiles = [...byPhase].map(([phase, paths]) => ({ phase, paths }))
  }
  if (record.error != null) {
    progress(`  ${def.id} ${target} r${round}: ERROR ${record.error}`)
  }
  return record
}

// ---------------------------------------------------------------------------------------------------
// raw signature verification rate of @libp2p/peer-record on the same envelopes, on this (one) thread

interface VerifyRate {
  envelopes: number
  verifications: number
  seconds: number
  cpuSeconds: number
  perSecond: number
  perCpuSecond: number
}

async function verificationRate (file: string): Promise<VerifyRate> {
  const data = await readFile(file)
  const envelopes: Uint8Array[] = []
  for (let at = 0; at < data.length;) {
    let len = 0
    let shift = 0
    for (;;) {
      const b = data[at++]
      len += (b & 0x7f) * 2 ** shift
      shift += 7
      if (b < 0x80) { break }
    }
    envelopes.push(data.subarray(at, at + len))
    at += len
  }
  const verify = async (e: Uint8Array): Promise<void> => {
    await RecordEnvelope.openAndCertify(e, PeerRecord.DOMAIN)
  }
  for (let i = 0; i < Math.min(500, envelopes.length); i++) {
    await verify(envelopes[i])
  }
  const budgetMs = QUICK ? 1000 : 3000
  const maxCount = 1_000_000
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let count = 0
  while (count < maxCount && performance.now() - t0 < budgetMs) {
    await verify(envelopes[count % envelopes.length])
    count++
  }
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  return { envelopes: envelopes.length, verifications: count, seconds, cpuSeconds, perSecond: count / seconds, perCpuSecond: count / cpuSeconds }
}

// ---------------------------------------------------------------------------------------------------
// aggregation and tables

function fmt (v: number | undefined, digits = 1): string {
  if (v == null || !Number.isFinite(v)) { return '–' }
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function median (values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) { return NaN }
  const mid = Math.floor(v.length / 2)
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

function phaseLabel (p: PhaseResult): string {
  return p.name === 'mixed' ? `mixed c=${p.concurrency}` : p.name
}

interface Scenario {
  key: string
  title: string
  session: string
  phase: string
  /** In the budget table: 'throughput' (>= 1.0x, p99 <=), 'refresh' (>= 2x), or none */
  budget?: 'throughput' | 'refresh'
  note?(target: TargetName): string | undefined
}

const GO_VANISH = 'Go: registrations vanish after 0.5-2.5 s (TTL read as ns)'
const GO_DISCOVER = 'Go: returns ≤ 2 peers (biased sampler), loops limit² times'

function scenarios (): Scenario[] {
  const out: Scenario[] = []
  const storm = (id: string, n: string): void => {
    out.push({ key: `${id}/connect`, title: `connect ${n} peers (Noise+Yamux handshakes)`, session: id, phase: 'connect' })
    out.push({ key: `${id}/storm`, title: `1. registration storm, N=${n}`, session: id, phase: 'storm', budget: 'throughput', note: t => t === 'go' ? GO_VANISH : undefined })
    out.push({ key: `${id}/refresh`, title: `2. refresh (identical envelopes), N=${n}`, session: id, phase: 'refresh', budget: 'refresh', note: t => t === 'go' ? GO_VANISH : isFloor(t) ? 'the floor: a fixed answer' : 'verification cache hits' })
  }
  storm('storm-1k', '1,000')
  storm('storm-10k', '10,000')
  for (const limit of [10, 100]) {
    out.push({ key: `discovery/discover-${limit}`, title: `3. discover limit ${limit}, 16 streams, 1,000 registered`, session: 'discovery', phase: `discover-${limit}`, budget: 'throughput', note: t => t === 'go' ? GO_DISCOVER : undefined })
  }
  for (const c of [1, 16, 128]) {
    out.push({ key: `discovery/mixed-${c}`, title: `4. mixed 80% discover / 20% register, ${c} streams`, session: 'discovery', phase: `mixed c=${c}`, budget: 'throughput', note: t => t === 'go' ? GO_DISCOVER : undefined })
  }
  out.push({ key: 'idle/connect', title: `connect the idle peers (${fmt(IDLE_N, 0)}, ${fmt(CONNECT_STEP, 0)} at a time, all kept open)`, session: 'idle', phase: 'connect' })
  out.push({ key: 'idle/connect-to-1000', title: 'connect: handshakes 0 → 1,000 open', session: 'idle', phase: 'connect-to-1000' })
  out.push({ key: `idle/connect-to-${IDLE_N}`, title: `connect: handshakes ${fmt(IDLE_N - CONNECT_STEP, 0)} → ${fmt(IDLE_N, 0)} open`, session: 'idle', phase: `connect-to-${IDLE_N}` })
  out.push({ key: 'idle/idle', title: '5. idle connections', session: 'idle', phase: 'idle' })
  out.push({ key: 'storm-1.0.0/storm', title: '1.0.0: registration storm', session: 'storm-1.0.0', phase: 'storm' })
  out.push({ key: 'storm-1.0.0/refresh', title: '1.0.0: refresh', session: 'storm-1.0.0', phase: 'refresh' })
  for (const limit of [10, 100]) {
    out.push({ key: `discovery-1.0.0/discover-${limit}`, title: `1.0.0: discover limit ${limit}, 16 streams`, session: 'discovery-1.0.0', phase: `discover-${limit}` })
  }
  out.push({ key: 'discovery-1.0.0/mixed-16', title: '1.0.0: mixed, 16 streams', session: 'discovery-1.0.0', phase: 'mixed c=16' })
  return out
}

interface Cell {
  rounds: number
  ops: number
  opsPerSec: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  serverCpuSec: number
  serverPeakRssMiB: number
  errors: number
  avgReturned: number
  kibPerConnection?: number
  connections?: number
  perCpuSecond: number
  backgroundPerSec: number
  backgroundSkipped: number
  endedEarly: boolean
}

/** Several lines of one phase in one session (BENCH_WAVES refresh waves) as one: counts and CPU add up */
function mergePhases (parts: PhaseResult[]): PhaseResult {
  const sum = (f: (p: PhaseResult) => number): number => parts.reduce((t, p) => t + f(p), 0)
  const ops = sum(p => p.ops)
  const seconds = sum(p => p.seconds)
  return {
    ...parts[0],
    ops,
    errors: sum(p => p.errors),
    seconds,
    opsPerSec: seconds > 0 ? ops / seconds : 0,
    p50Ms: median(parts.map(p => p.p50Ms)),
    p99Ms: Math.max(...parts.map(p => p.p99Ms)),
    maxMs: Math.max(...parts.map(p => p.maxMs)),
    serverCpuSec: sum(p => p.serverCpuSec),
    genCpuSec: sum(p => p.genCpuSec),
    serverPeakRssMiB: Math.max(...parts.map(p => p.serverPeakRssMiB))
  }
}

function phasesOf (records: RunRecord[], sc: Scenario, target: TargetName): Map<number, PhaseResult> {
  const byRound = new Map<number, PhaseResult>()
  for (const r of records) {
    if (r.session !== sc.session || r.target !== target) { continue }
    const same = r.phases.filter(p => phaseLabel(p) === sc.phase)
    if (same.length > 0) { byRound.set(r.round, same.length === 1 ? same[0] : mergePhases(same)) }
  }
  return byRound
}

function cell (phases: PhaseResult[]): Cell | undefined {
  if (phases.length === 0) { return undefined }
  return {
    rounds: phases.length,
    ops: median(phases.map(p => p.ops)),
    opsPerSec: median(phases.map(p => p.opsPerSec)),
    p50Ms: median(phases.map(p => p.p50Ms)),
    p99Ms: median(phases.map(p => p.p99Ms)),
    maxMs: Math.max(...phases.map(p => p.maxMs)),
    serverCpuSec: median(phases.map(p => p.serverCpuSec)),
    serverPeakRssMiB: Math.max(...phases.map(p => p.serverPeakRssMiB)),
    errors: phases.reduce((s, p) => s + p.errors + (p.backgroundErrors ?? 0), 0),
    avgReturned: median(phases.map(p => p.avgReturned ?? 0)),
    kibPerConnection: phases[0].kibPerConnection != null ? median(phases.map(p => p.kibPerConnection ?? NaN)) : undefined,
    connections: phases[0].connections,
    perCpuSecond: median(phases.map(p => p.serverCpuSec > 0 ? p.ops / p.serverCpuSec : NaN)),
    backgroundPerSec: median(phases.map(p => (p.backgroundRegisters ?? 0) / p.seconds)),
    backgroundSkipped: phases.reduce((s, p) => s + (p.backgroundSkipped ?? 0), 0),
    endedEarly: phases.some(p => p.endedBy === 'pool')
  }
}

/** TS/Go ratios, pair by pair (same round), then their median */
function ratios (records: RunRecord[], sc: Scenario, target: TargetName): { ops: number[], p99: number[] } {
  const go = phasesOf(records, sc, 'go')
  const ts = phasesOf(records, sc, target)
  const ops: number[] = []
  const p99: number[] = []
  for (const [round, t] of ts) {
    const g = go.get(round)
    if (g == null) { continue }
    ops.push(t.opsPerSec / g.opsPerSec)
    p99.push(t.p99Ms / g.p99Ms)
  }
  return { ops, p99 }
}

interface Report {
  markdown: string
  budgets: BudgetRow[]
}

interface BudgetRow {
  budget: string
  target: string
  measured: string
  met: boolean
}

function ratioText (values: number[]): string {
  const m = `${fmt(median(values), 2)}×`
  return values.length > 1 ? `${m} (${values.map(x => fmt(x, 2)).join(', ')})` : m
}

function budgetRows (sc: Scenario, target: TargetName, r: { ops: number[], p99: number[] }): BudgetRow[] {
  if (sc.budget == null || r.ops.length === 0) {
    return []
  }
  const floor = sc.budget === 'refresh' ? 2 : 1
  return [
    { budget: `${sc.title}: ops/s ≥ ${fmt(floor, 1)}× Go`, target, measured: `${fmt(median(r.ops), 2)}×`, met: median(r.ops) >= floor },
    { budget: `${sc.title}: p99 ≤ Go`, target, measured: `${fmt(median(r.p99), 2)}×`, met: median(r.p99) <= 1 }
  ]
}

function notesFor (sc: Scenario, target: TargetName, c: Cell): string {
  const notes: string[] = []
  const n = sc.note?.(target)
  if (n != null) {
    notes.push(n)
  }
  if (sc.phase.startsWith('discover') || sc.phase.startsWith('mixed')) {
    notes.push(`avg ${fmt(c.avgReturned, 1)} returned`)
  }
  if (c.backgroundPerSec > 0) {
    notes.push(`+ ${fmt(c.backgroundPerSec, 0)} background REGISTER/s${c.backgroundSkipped > 0 ? ` (${c.backgroundSkipped} skipped: all 128 keep-alive workers busy)` : ''}`)
  }
  if (sc.phase === 'idle') {
    notes.push(`${fmt(c.kibPerConnection, 1)} KiB per connection (${c.connections} connections)`)
  }
  if (sc.phase === 'storm' || sc.phase === 'refresh') {
    notes.push(`${fmt(c.perCpuSecond, 0)} per server CPU-s`)
  }
  if (sc.phase === 'connect') {
    notes.push(`${fmt(c.perCpuSecond, 0)} handshakes per server CPU-s`)
  }
  if (c.endedEarly) {
    notes.push('ended early: the pre-sealed fresh envelopes ran out')
  }
  return notes.join('; ')
}

/** The main table: one row per scenario and server, TS/Go ratios pair by pair */
function mainTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
  const md = [
    '| scenario | server | ops/s | p50 ms | p99 ms | max ms | server CPU s | peak RSS MiB | errors | ops/s TS/Go | p99 TS/Go | generator CPU s | note |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|'
  ]
  for (const sc of scenarios()) {
    for (const target of ALL_TARGETS) {
      const phases = [...phasesOf(records, sc, target).values()]
      const c = cell(phases)
      if (c == null) {
        continue
      }
      let ratioOps = ''
      let ratioP99 = ''
      if (target !== 'go') {
        const r = ratios(records, sc, target)
        if (r.ops.length > 0 && sc.phase !== 'idle') {
          ratioOps = `**${ratioText(r.ops)}**`
          ratioP99 = ratioText(r.p99)
        }
        if (!isFloor(target)) {
          budgets.push(...budgetRows(sc, target, r))
        }
      }
      const gen = median(phases.map(p => p.genCpuSec))
      md.push(`| ${sc.title} | ${target} | ${fmt(c.opsPerSec, 0)} | ${fmt(c.p50Ms, 2)} | ${fmt(c.p99Ms, 2)} | ${fmt(c.maxMs, 1)} | ${fmt(c.serverCpuSec, 2)} | ${fmt(c.serverPeakRssMiB, 0)} | ${c.errors} | ${ratioOps} | ${ratioP99} | ${fmt(gen, 2)} | ${notesFor(sc, target, c)} |`)
    }
  }
  return md
}

/** Per-core REGISTER throughput against the raw verification rate */
function verifyTable (records: RunRecord[], verify: VerifyRate | undefined, budgets: BudgetRow[]): string[] {
  const md: string[] = []
  // per-core REGISTER throughput against raw verification
  if (verify != null) {
    md.push('')
    md.push(`Raw signature verification (\`RecordEnvelope.openAndCertify\`, one thread, ${verify.envelopes} envelopes): **${fmt(verify.perCpuSecond, 0)} per CPU-second** (${fmt(verify.perSecond, 0)}/s wall, ${verify.verifications} verifications).`)
    md.push('')
    md.push('| scenario | server | REGISTER per server CPU-second | ÷ raw verification |')
    md.push('|---|---|---:|---:|')
    for (const sc of scenarios().filter(s => s.phase === 'storm')) {
      for (const target of ALL_TARGETS) {
        const c = cell([...phasesOf(records, sc, target).values()])
        if (c == null) { continue }
        const share = c.perCpuSecond / verify.perCpuSecond
        md.push(`| ${sc.title} | ${target} | ${fmt(c.perCpuSecond, 0)} | ${fmt(share * 100, 0)}% |`)
        if (target !== 'go' && !isFloor(target) && sc.session !== 'storm-1.0.0') {
          budgets.push({ budget: `${sc.title}: per-core REGISTER ≥ 70% of raw verification`, target, measured: `${fmt(share * 100, 0)}%`, met: share >= 0.7 })
        }
      }
    }
  }

  return md
}

/** The no-lost-registration checks, and the error and loss budgets */
function lostTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
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

/** The TS server's own counters: verification cache use */
function countersTable (records: RunRecord[]): string[] {
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

/** Operations per server CPU-second of one phase */
const perCpu = (p: PhaseResult): number => p.serverCpuSec > 0 ? p.ops / p.serverCpuSec : NaN

/** a/b per server CPU-second, pair by pair (same round), as a list (one per round) */
function cpuRatios (records: RunRecord[], sc: Scenario, a: TargetName, b: TargetName): number[] {
  const as = phasesOf(records, sc, a)
  const bs = phasesOf(records, sc, b)
  const out: number[] = []
  for (const [round, p] of as) {
    const q = bs.get(round)
    if (q != null && Number.isFinite(perCpu(p) / perCpu(q))) {
      out.push(perCpu(p) / perCpu(q))
    }
  }
  return out
}

/**
 * This server against the stack's floor and the Go reference, per server CPU-second (issue 13): server/Go,
 * server/floor, floor/Go, and the server's own share of a REGISTER's CPU, 1 - server/floor (read off the
 * ratio, not off self time: the server's stream pattern drives work booked under libp2p's names). Then
 * the handshake cost at 1,000 and 5,000 open connections, and issue 13's budgets.
 */
function floorTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
  if (!records.some(r => isFloor(r.target))) {
    return []
  }
  const md: string[] = []
  md.push('')
  md.push('Per server CPU-second against the stack\'s floor (`ts-floor`: the same node, stack and settings, whose handler reads one frame and answers a fixed REGISTER OK) and the Go reference; ratios pair by pair in each round, median (each round in parentheses); own share = 1 - server/floor:')
  md.push('')
  md.push('| scenario | go | ts-floor | ts-memory | ts-sqlite | floor/Go | ts-memory/Go | ts-memory/floor | ts-memory own share | ts-sqlite/floor |')
  md.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  const keys = ['storm-1k/connect', 'storm-1k/storm', 'storm-1k/refresh', 'storm-10k/connect', 'storm-10k/storm', 'storm-10k/refresh', 'idle/connect-to-1000', `idle/connect-to-${IDLE_N}`]
  const text = (v: number[]): string => v.length === 0 ? '' : ratioText(v)
  for (const sc of scenarios().filter(s => keys.includes(s.key))) {
    const per = (t: TargetName): string => fmt(cell([...phasesOf(records, sc, t).values()])?.perCpuSecond, 0)
    if (!ALL_TARGETS.some(t => phasesOf(records, sc, t).size > 0)) {
      continue
    }
    const memFloor = cpuRatios(records, sc, 'ts-memory', 'ts-floor')
    const memGo = cpuRatios(records, sc, 'ts-memory', 'go')
    const share = memFloor.map(x => 1 - x)
    md.push(`| ${sc.title} | ${per('go')} | ${per('ts-floor')} | ${per('ts-memory')} | ${per('ts-sqlite')} | ${text(cpuRatios(records, sc, 'ts-floor', 'go'))} | **${text(memGo)}** | **${text(memFloor)}** | ${share.length > 0 ? `${fmt(median(share) * 100, 0)}%` : ''} | ${text(cpuRatios(records, sc, 'ts-sqlite', 'ts-floor'))} |`)
    if (sc.phase === 'storm' || sc.phase === 'refresh') {
      const [min, minGo] = sc.phase === 'storm' ? [0.7, 0.5] : [0.85, 1.0]
      if (memFloor.length > 0) {
        budgets.push({ budget: `issue 13: ${sc.title}: server/floor per CPU-s ≥ ${fmt(min, 2)}`, target: 'ts-memory', measured: `${fmt(median(memFloor), 2)}×`, met: median(memFloor) >= min })
      }
      if (memGo.length > 0) {
        budgets.push({ budget: `issue 13: ${sc.title}: server/Go per CPU-s ≥ ${fmt(minGo, 1)}`, target: 'ts-memory', measured: `${fmt(median(memGo), 2)}×`, met: median(memGo) >= minGo })
      }
    }
  }

  // the handshake cost at 1,000 and at 5,000 open connections
  const first = scenarios().find(s => s.key === 'idle/connect-to-1000')
  const last = scenarios().find(s => s.key === `idle/connect-to-${IDLE_N}`)
  if (first != null && last != null) {
    md.push('')
    md.push(`Server CPU per handshake as the open connections grow (idle session: ${fmt(IDLE_N, 0)} peers connected ${fmt(CONNECT_STEP, 0)} at a time, none closed):`)
    md.push('')
    md.push(`| server | ms per handshake, 0 → 1,000 open | ms per handshake, ${fmt(IDLE_N - CONNECT_STEP, 0)} → ${fmt(IDLE_N, 0)} open | ratio | handshakes per CPU-s ÷ Go (0 → 1,000) |`)
    md.push('|---|---:|---:|---:|---:|')
    for (const target of ALL_TARGETS) {
      const a = cell([...phasesOf(records, first, target).values()])
      const b = cell([...phasesOf(records, last, target).values()])
      if (a == null) {
        continue
      }
      const msA = 1000 / a.perCpuSecond
      const msB = b != null ? 1000 / b.perCpuSecond : NaN
      const vsGo = target === 'go' ? [] : cpuRatios(records, first, target, 'go')
      md.push(`| ${target} | ${fmt(msA, 2)} | ${fmt(msB, 2)} | ${fmt(msB / msA, 2)}× | ${vsGo.length > 0 ? `${fmt(median(vsGo), 2)}×` : ''} |`)
      if (target === 'ts-memory') {
        budgets.push({ budget: 'issue 13: cost per handshake at 5,000 open connections ≤ 1.2× that at 1,000', target, measured: `${fmt(msB / msA, 2)}× (${fmt(msA, 2)} → ${fmt(msB, 2)} ms)`, met: msB / msA <= 1.2 })
        if (vsGo.length > 0) {
          budgets.push({ budget: 'issue 13: handshakes per CPU-s ≥ 0.4× Go (0 → 1,000 open)', target, measured: `${fmt(median(vsGo), 2)}×`, met: median(vsGo) >= 0.4 })
        }
      }
    }
    const idle = scenarios().find(s => s.key === 'idle/idle')
    const mem = idle != null ? cell([...phasesOf(records, idle, 'ts-memory').values()]) : undefined
    if (mem?.kibPerConnection != null) {
      budgets.push({ budget: 'issue 13: memory per idle connection ≤ 60 KiB', target: 'ts-memory', measured: `${fmt(mem.kibPerConnection, 1)} KiB (${mem.connections} connections)`, met: mem.kibPerConnection <= 60 })
    }
  }
  return md
}

/** BENCH_VARIANT: each TS target against itself with the variant's flags, per server CPU-second, pair by pair */
/**
 * From 1 to 2 worker processes over PostgreSQL (issue 14): ops/s, the server's CPU (the primary and its
 * workers, summed by the generator over the process tree) and the generator's own CPU, which shares the
 * machine's cores; ratios pair by pair in each round, median. Budgets: storm and refresh throughput at least
 * 1.25x, REGISTERs per server CPU-second at least 0.9x.
 */
function scalingTable (records: RunRecord[], budgets: BudgetRow[]): string[] {
  if (!records.some(r => r.target === 'ts-postgres') || !records.some(r => r.target === 'ts-postgres-w2')) {
    return []
  }
  const md: string[] = ['', 'Scaling from 1 to 2 workers over PostgreSQL (`ts-postgres` one process, `ts-postgres-w2` two cluster workers sharing the socket and the peer ID); server CPU is the primary and its workers summed; ratios w2/w1 pair by pair in each round, median:', '']
  md.push('| scenario | w1 ops/s | w2 ops/s | w2/w1 ops/s | w1 server CPU s | w2 server CPU s | w1 generator CPU s | w2 generator CPU s | w1 per server CPU-s | w2 per server CPU-s | w2/w1 per CPU-s |')
  md.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const session of SESSIONS.filter(s => s.targets.includes('ts-postgres-w2')).map(s => s.id)) {
    for (const phase of ['storm', 'refresh']) {
      const sc: Scenario = { key: `${session}-${phase}`, title: `${session} ${phase}`, session, phase }
      const one = phasesOf(records, sc, 'ts-postgres')
      const two = phasesOf(records, sc, 'ts-postgres-w2')
      if (one.size === 0 || two.size === 0) { continue }
      const speed: number[] = []
      for (const [round, p] of two) {
        const q = one.get(round)
        if (q != null && q.opsPerSec > 0) { speed.push(p.opsPerSec / q.opsPerSec) }
      }
      const perCpuRatio = cpuRatios(records, sc, 'ts-postgres-w2', 'ts-postgres')
      const a = [...one.values()]
      const b = [...two.values()]
      md.push(`| ${sc.title} | ${fmt(median(a.map(p => p.opsPerSec)), 0)} | ${fmt(median(b.map(p => p.opsPerSec)), 0)} | ${ratioText(speed)} | ${fmt(median(a.map(p => p.serverCpuSec)), 2)} | ${fmt(median(b.map(p => p.serverCpuSec)), 2)} | ${fmt(median(a.map(p => p.genCpuSec)), 2)} | ${fmt(median(b.map(p => p.genCpuSec)), 2)} | ${fmt(median(a.map(perCpu)), 0)} | ${fmt(median(b.map(perCpu)), 0)} | ${ratioText(perCpuRatio)} |`)
      if (speed.length > 0) {
        budgets.push({ budget: `--workers 2 ${session} ${phase} ops/s ≥ 1.25× --workers 1`, target: 'ts-postgres-w2', measured: ratioText(speed), met: median(speed) >= 1.25 })
      }
      if (phase === 'storm' && perCpuRatio.length > 0) {
        budgets.push({ budget: `--workers 2 ${session} REGISTERs per server CPU-s ≥ 0.9× --workers 1`, target: 'ts-postgres-w2', measured: ratioText(perCpuRatio), met: median(perCpuRatio) >= 0.9 })
      }
    }
  }
  return md
}

function variantTable (records: RunRecord[]): string[] {
  if (!records.some(r => isVariant(r.target))) {
    return []
  }
  const md = [
    '',
    `A/B experiment: \`<target>+\` ran with ${[...VARIANT_NODE_FLAGS.map(f => `node ${f}`), ...VARIANT_FLAGS].join(' ')}, right after \`<target>\` in each round; variant/base per server CPU-second, pair by pair (each round in parentheses), and peak RSS:`,
    '',
    '| scenario | target | base per CPU-s | variant per CPU-s | variant/base | base peak RSS MiB | variant peak RSS MiB |',
    '|---|---|---:|---:|---:|---:|---:|'
  ]
  for (const sc of scenarios()) {
    for (const base of ['ts-floor', 'ts-memory', 'ts-sqlite'] as TsTarget[]) {
      const a = cell([...phasesOf(records, sc, base).values()])
      const b = cell([...phasesOf(records, sc, `${base}+`).values()])
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

/** The /rendezvous/1.0.0 scenarios, against go-libp2p-rendezvous and rust-libp2p */
const V1_SCENARIOS: Array<{ title: string, session: string, phase: string }> = [
  { title: 'registration storm, N=1,000', session: 'storm-1.0.0', phase: 'storm' },
  { title: 'refresh (identical envelopes), N=1,000', session: 'storm-1.0.0', phase: 'refresh' },
  { title: 'discover limit 10, 16 streams, 1,000 registered', session: 'discovery-1.0.0', phase: 'discover-10' },
  { title: 'discover limit 100, 16 streams, 1,000 registered', session: 'discovery-1.0.0', phase: 'discover-100' },
  { title: 'mixed 80% discover / 20% register, 16 streams', session: 'discovery-1.0.0', phase: 'mixed c=16' }
]

/**
 * One row per 1.0.0 scenario and server, with this server's ratios to each yardstick in the same run
 * (ops/s ours ÷ theirs: above 1 is faster; p99 ours ÷ theirs: below 1 is better). Empty when no 1.0.0
 * session ran against a yardstick.
 */
function v1Table (records: RunRecord[]): string[] {
  const ran = (target: TargetName): boolean => records.some(r => r.target === target && r.dialect === 'rendezvous')
  const yardsticks = V1_YARDSTICKS.filter(ran)
  if (yardsticks.length === 0) {
    return []
  }
  const md = [
    `| scenario | server | ops/s | p50 ms | p99 ms | server CPU s | per server CPU-s | peak RSS MiB | errors | avg returned | ${yardsticks.map(y => `ops/s ÷ ${y} | p99 ÷ ${y}`).join(' | ')} |`,
    `|---|---|---:|---:|---:|---:|---:|---:|---:|---:|${yardsticks.map(() => '---:|---:').join('|')}|`
  ]
  for (const sc of V1_SCENARIOS) {
    const scenario: Scenario = { key: `${sc.session}/${sc.phase}`, ...sc }
    const cells = new Map(V1_TARGETS.map(t => [t, cell([...phasesOf(records, scenario, t).values()])]))
    for (const target of V1_TARGETS) {
      const c = cells.get(target)
      if (c == null) {
        continue
      }
      const vs = yardsticks.map(y => {
        const other = cells.get(y)
        if (!isTs(target) || other == null) {
          return ' | '
        }
        return `**${fmt(c.opsPerSec / other.opsPerSec, 2)}×** | ${fmt(c.p99Ms / other.p99Ms, 2)}×`
      })
      const returned = sc.phase.startsWith('discover') || sc.phase.startsWith('mixed') ? fmt(c.avgReturned, 1) : ''
      md.push(`| ${sc.title} | ${target} | ${fmt(c.opsPerSec, 0)} | ${fmt(c.p50Ms, 2)} | ${fmt(c.p99Ms, 2)} | ${fmt(c.serverCpuSec, 2)} | ${fmt(c.perCpuSecond, 0)} | ${fmt(c.serverPeakRssMiB, 0)} | ${c.errors} | ${returned} | ${vs.join(' | ')} |`)
    }
  }
  return md
}

function report (records: RunRecord[], verify: VerifyRate | undefined, meta: Record<string, string>): Report {
  const md: string[] = []
  md.push(`Run ${meta.date} · ${meta.cpus} · ${meta.mem} · ${meta.node} · ${meta.go} · rounds ${meta.rounds}${meta.quick === 'true' ? ' · QUICK mode' : ''}${meta.experiment != null ? ` · EXPERIMENT: ts-server.ts ${meta.experiment}` : ''}${meta.variant != null ? ` · A/B VARIANT: ${meta.variant}` : ''}`)
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
  md.push('| budget | server | measured | met |')
  md.push('|---|---|---:|---|')
  for (const b of budgets) {
    md.push(`| ${b.budget} | ${b.target} | ${b.measured} | ${b.met === true ? 'yes' : '**no**'} |`)
  }

  md.push(...countersTable(records))
  return { markdown: md.join('\n'), budgets }
}

// ---------------------------------------------------------------------------------------------------

function progress (text: string): void {
  process.stderr.write(`${text}\n`)
}

/** Build the Go binaries (unless BENCH_NO_BUILD) and check that the TS packages are built */
async function build (): Promise<void> {
  if (!flag('BENCH_NO_BUILD')) {
    progress('building the load generator and go-rdv ...')
    await mkdir(BIN, { recursive: true })
    await run('go', ['build', '-o', GEN, '.'], join(HERE, 'loadgen'))
    await run('go', ['build', '-o', GO_RDV, '.'], join(ROOT, 'interop', 'go-waku-rendezvous'))
    if (TARGETS.includes('go-libp2p')) {
      await run('go', ['build', '-o', GO_LRDV, '.'], join(ROOT, 'interop', 'go-libp2p-rendezvous'))
    }
    if (TARGETS.includes('rust')) {
      progress('building rust-rdv (cargo build --release: minutes when cold, seconds from cargo\'s cache) ...')
      await run('cargo', ['build', '--release', '--locked'], RUST_DIR)
    }
  }
  const yardsticks = [...(TARGETS.includes('go-libp2p') ? [GO_LRDV] : []), ...(TARGETS.includes('rust') ? [RUST_RDV] : [])]
  for (const f of [GEN, GO_RDV, ...yardsticks, ...['server', 'store-memory', 'store-sqlite'].map(p => join(ROOT, `packages/${p}/dist/src/index.js`))]) {
    if (!existsSync(f)) { throw new Error(`${f} is missing: build first (pnpm bench:servers builds everything)`) }
  }
}

/** What the run ran on */
async function machine (): Promise<Record<string, string>> {
  const goVersion = await new Promise<string>(resolve => {
    const c = spawn('go', ['version'], { stdio: ['ignore', 'pipe', 'ignore'] })
    let s = ''
    c.stdout.on('data', d => { s += String(d) })
    c.on('exit', () => resolve(s.trim().split(' ')[2] ?? 'go ?'))
  })
  return {
    date: new Date().toISOString(),
    cpus: `${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`,
    mem: `${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
    node: `node ${process.version}`,
    go: goVersion,
    rounds: String(ROUNDS),
    quick: String(QUICK),
    loadStart: loadavg()[0].toFixed(1),
    ...(TS_FLAGS.length > 0 || NODE_FLAGS.length > 0 ? { experiment: [...NODE_FLAGS.map(f => `node ${f}`), ...TS_FLAGS].join(' ') } : {}),
    ...(VARIANT ? { variant: [...VARIANT_NODE_FLAGS.map(f => `node ${f}`), ...VARIANT_FLAGS].join(' ') } : {})
  }
}

async function main (): Promise<void> {
  await mkdir(OUT, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const log = createWriteStream(join(OUT, `${stamp}.log`))

  await build()
  const meta = await machine()
  progress(`${meta.date}: ${meta.cpus}, ${meta.mem}, ${meta.node}, ${meta.go}; rounds ${ROUNDS}${QUICK ? ', quick' : ''}${meta.experiment != null ? `; EXPERIMENT: ts-server.ts ${meta.experiment}` : ''}`)

  // the raw verification rate, on the envelopes the storm registers, before any server runs
  const envFile = join(OUT, 'envelopes.bin')
  await run(GEN, ['envelopes', '--seed', SEED, '--n', '1000', '--out', envFile], ROOT)
  const verify = await verificationRate(envFile)
  progress(`raw verification: ${fmt(verify.perCpuSecond, 0)} per CPU-second (${fmt(verify.perSecond, 0)}/s)`)

  // the PostgreSQL of the ts-postgres targets (initdb, pg_ctl start on 127.0.0.1), stopped when the run ends
  let postgres: { url: string, stop(): Promise<void> } | undefined
  if (TARGETS.some(isPostgres) && SESSIONS.some(s => s.targets.some(isPostgres))) {
    const testing = await import(new URL('../../packages/store-postgres/dist/src/testing.js', import.meta.url).href)
    postgres = await testing.startPostgres({ settings: { max_connections: '200' } })
    process.env.BENCH_DATABASE_URL = postgres?.url
    process.once('exit', () => { void postgres?.stop() })
  }
  const records: RunRecord[] = []
  const started = Date.now()
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
  log.end()
  await postgres?.stop()

  const { markdown } = report(records, verify, meta)
  let profiles = ''
  if (PROFILE) {
    const parts: string[] = []
    for (const r of records.filter(r => r.round === 1)) {
      for (const p of r.profiles ?? []) {
        parts.push(`#### ${r.session} · ${p.phase} · ${r.target}\n\n${await summarizeProfile(p.paths, 15)}`)
      }
    }
    profiles = parts.length > 0 ? `\n\nCPU profiles of the TS server (self time):\n\n${parts.join('\n\n')}` : ''
  }
  const output = markdown + profiles
  process.stdout.write(`${output}\n`)
  await writeFile(join(OUT, `${stamp}.md`), `${output}\n`)
  const complete = !QUICK && !PROFILE && TS_FLAGS.length === 0 && NODE_FLAGS.length === 0 && !VARIANT && WAVES === 1 && process.env.BENCH_IDLE_SETTLE_MS == null && list('BENCH_SESSIONS') == null && list('BENCH_TARGETS') == null
  if (complete && process.env.BENCH_DOCS !== '0') {
    await updateDocs(markdown)
  }
  // the 1.0.0 comparison has its own block, rewritten whenever both 1.0.0 sessions ran against every 1.0.0 target
  const v1Complete = !QUICK && !PROFILE && TS_FLAGS.length === 0 && NODE_FLAGS.length === 0 && !VARIANT && WAVES === 1 && process.env.BENCH_IDLE_SETTLE_MS == null && ['storm-1.0.0', 'discovery-1.0.0'].every(id => SESSIONS.some(s => s.id === id)) &&
    V1_TARGETS.every(t => TARGETS.includes(t))
  if (v1Complete && process.env.BENCH_DOCS !== '0') {
    // the load average tells how much of the two cores other work took meanwhile
    const load = `load average ${meta.loadStart} at the start, ${loadavg()[0].toFixed(1)} at the end`
    await updateDocs([`Run ${meta.date} · ${meta.cpus} · ${meta.node} · ${meta.go} · ${load}`, '', ...v1Table(records)].join('\n'), V1_START, V1_END)
  }
  await writeFile(join(OUT, `${stamp}.json`), JSON.stringify({ meta, quick: QUICK, rounds: ROUNDS, verify, records }, null, 2))
  progress(`results: ${join(OUT, `${stamp}.md`)} (+ .json, .log); ${fmt((Date.now() - started) / 1000, 0)} s`)
}

const DOCS = join(ROOT, 'docs', 'performance.md')
const START = '<!-- bench-results:start -->'
const END = '<!-- bench-results:end -->'
const V1_START = '<!-- bench-1.0.0:start -->'
const V1_END = '<!-- bench-1.0.0:end -->'

/** Replace a results block of docs/performance.md (by default the main one) with this run's tables */
async function updateDocs (markdown: string, start = START, end = END): Promise<void> {
  const text = await readFile(DOCS, 'utf8').catch(() => '')
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) {
    progress(`${DOCS} has no ${start} … ${end} block: not updated`)
    return
  }
  await writeFile(DOCS, `${text.slice(0, from + start.length)}\n${markdown}\n${text.slice(to)}`)
  progress(`updated the results block of ${DOCS}`)
}

async function rerender (file: string): Promise<void> {
  const saved = JSON.parse(await readFile(file, 'utf8'))
  const meta = { rounds: String(saved.rounds), quick: String(saved.quick), ...saved.meta }
  process.stdout.write(`${report(saved.records, saved.verify, meta).markdown}\n`)
}

try {
  if (process.env.BENCH_REPORT != null) {
    await rerender(process.env.BENCH_REPORT)
  } else {
    await main()
  }
} catch (err: any) {
  progress(`bench:servers failed: ${err.stack ?? err}`)
  killAll()
  process.exitCode = 1
}
