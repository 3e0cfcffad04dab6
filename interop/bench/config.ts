/**
 * The run's settings, read once from the environment (each variable is described at the top of `run.ts`).
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** interop/bench */
export const HERE = dirname(fileURLToPath(import.meta.url))
/** The repository's root */
export const ROOT = resolve(HERE, '../..')

const flag = (name: string): boolean => ['1', 'true', 'yes', 'on'].includes((process.env[name] ?? '').toLowerCase())
const list = (name: string): string[] | undefined => process.env[name]?.split(',').map(s => s.trim()).filter(s => s !== '')
const words = (name: string): string[] => (process.env[name] ?? '').split(/\s+/).filter(f => f !== '')

export const QUICK = flag('BENCH_QUICK')
export const ROUNDS = Math.max(1, Math.min(10, Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 2))))
export const PROFILE = flag('BENCH_PROFILE')
export const OUT = resolve(process.env.BENCH_OUT ?? join(HERE, 'results'))
export const NO_BUILD = flag('BENCH_NO_BUILD')
export const PHASE_SECONDS = QUICK ? 1.5 : 3
/** The generator's seed: the same peers, keys and envelopes in every run */
export const SEED = 'rendezvous-bench-1'
export const TS_FLAGS = words('BENCH_TS_FLAGS')
export const NODE_FLAGS = words('BENCH_NODE_FLAGS')
export const VARIANT_FLAGS = words('BENCH_VARIANT')
export const VARIANT_NODE_FLAGS = words('BENCH_VARIANT_NODE')
export const VARIANT = VARIANT_FLAGS.length > 0 || VARIANT_NODE_FLAGS.length > 0
/** BENCH_POSTGRES_SETTINGS="synchronous_commit=off,...": the benchmark PostgreSQL's extra server settings */
export const POSTGRES_SETTINGS: Record<string, string> = Object.fromEntries((list('BENCH_POSTGRES_SETTINGS') ?? []).filter(s => s.includes('=')).map(s => [s.slice(0, s.indexOf('=')).trim(), s.slice(s.indexOf('=') + 1).trim()]))
export const WAVES = Math.max(1, Math.min(10, Number(process.env.BENCH_WAVES ?? 1)))
/** BENCH_IDLE_SETTLE_MS as given (a run that sets it is an experiment) */
export const IDLE_SETTLE_MS = process.env.BENCH_IDLE_SETTLE_MS
/** BENCH_TARGETS and BENCH_SESSIONS: undefined runs every one */
export const TARGET_FILTER = list('BENCH_TARGETS')
export const SESSION_FILTER = list('BENCH_SESSIONS')
/** BENCH_REPORT: a saved run to print again */
export const REPORT = process.env.BENCH_REPORT
/** BENCH_DOCS=0 leaves docs/performance.md alone */
export const DOCS = process.env.BENCH_DOCS !== '0'

/** The flags of an experiment, as the report's header names them */
export const experimentText = (nodeFlags: string[], tsFlags: string[], postgres: Record<string, string> = {}): string => [...nodeFlags.map(f => `node ${f}`), ...(tsFlags.length > 0 ? ['ts-server.ts', ...tsFlags] : []), ...Object.entries(postgres).map(([k, v]) => `postgres ${k}=${v}`)].join(' ')

/**
 * No experiment: no profiler, no extra flags, no variant, default waves and idle wait. Only such a run's
 * figures are published in docs/performance.md (and, with every session and target, its main block).
 */
export const UNALTERED = !QUICK && !PROFILE && TS_FLAGS.length === 0 && NODE_FLAGS.length === 0 && Object.keys(POSTGRES_SETTINGS).length === 0 && !VARIANT && WAVES === 1 && IDLE_SETTLE_MS == null
