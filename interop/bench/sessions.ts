/**
 * The sessions: what the load generator does to one fresh server (its `session --spec`), and the ones this
 * run selects (BENCH_SESSIONS).
 */
import { IDLE_SETTLE_MS, QUICK, SESSION_FILTER } from './config.ts'
import { ALL_TARGETS, POSTGRES_TARGETS, STORING_TARGETS, V1_TARGETS } from './targets.ts'
import type { TargetName } from './targets.ts'

/** Idle session: peers connected in steps of this many, each step a phase (`connect-to-<open>`) */
export const CONNECT_STEP = 1000
export const IDLE_N = 5000
const N_LARGE = 10_000
/** The generator ends a session after this many seconds whatever it is doing */
export const MAX_SESSION_SECONDS = 300

/** What the generator's `session --spec` takes (see loadgen/session.go) */
export interface Spec {
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

export interface SessionDef {
  id: string
  targets: TargetName[]
  spec: Spec
  /** Run in round 1 only (memory per connection does not need the A/B repetition) */
  once?: boolean
}

export const ALL_SESSIONS: SessionDef[] = [
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
  { id: 'idle', targets: ALL_TARGETS, once: true, spec: { kind: 'idle', dialect: 'waku', n: IDLE_N, connectStep: CONNECT_STEP, settleMs: Math.max(0, Math.min(300_000, Number(IDLE_SETTLE_MS ?? (QUICK ? 1500 : 3000)))), connectSeconds: 150 } },
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

/** The sessions this run selects */
export const SESSIONS = ALL_SESSIONS.filter(s => SESSION_FILTER?.includes(s.id) ?? true)
