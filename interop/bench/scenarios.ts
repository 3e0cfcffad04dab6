/**
 * The rows of the tables: which phase of which session each shows, its title, its budget and its notes.
 */
import { fmt } from './format.ts'
import { CONNECT_STEP, IDLE_N } from './sessions.ts'
import { isFloor } from './targets.ts'
import type { PhaseRef } from './stats.ts'
import type { TargetName } from './targets.ts'

export interface Scenario extends PhaseRef {
  key: string
  title: string
  /** In the budget table: 'throughput' (>= 1.0x, p99 <=), 'refresh' (>= 2x), or none */
  budget?: 'throughput' | 'refresh'
  note?(target: TargetName): string | undefined
}

const GO_VANISH = 'Go: registrations vanish after 0.5-2.5 s (TTL read as ns)'
const GO_DISCOVER = 'Go: returns ≤ 2 peers (biased sampler), loops limit² times'

/** Why a server's refresh costs what it does */
function refreshNote (target: TargetName): string {
  if (target === 'go') {
    return GO_VANISH
  }
  return isFloor(target) ? 'the floor: a fixed answer' : 'verification cache hits'
}

/** The /vac/waku/rendezvous/0.0.1 rows (and the 1.0.0 ones of the main table) */
export function scenarios (): Scenario[] {
  const out: Scenario[] = []
  const storm = (id: string, n: string): void => {
    out.push({ key: `${id}/connect`, title: `connect ${n} peers (Noise+Yamux handshakes)`, session: id, phase: 'connect' })
    out.push({ key: `${id}/storm`, title: `1. registration storm, N=${n}`, session: id, phase: 'storm', budget: 'throughput', note: t => t === 'go' ? GO_VANISH : undefined })
    out.push({ key: `${id}/refresh`, title: `2. refresh (identical envelopes), N=${n}`, session: id, phase: 'refresh', budget: 'refresh', note: refreshNote })
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

/** The /rendezvous/1.0.0 scenarios, against go-libp2p-rendezvous and rust-libp2p */
export const V1_SCENARIOS: Array<{ title: string, session: string, phase: string }> = [
  { title: 'registration storm, N=1,000', session: 'storm-1.0.0', phase: 'storm' },
  { title: 'refresh (identical envelopes), N=1,000', session: 'storm-1.0.0', phase: 'refresh' },
  { title: 'discover limit 10, 16 streams, 1,000 registered', session: 'discovery-1.0.0', phase: 'discover-10' },
  { title: 'discover limit 100, 16 streams, 1,000 registered', session: 'discovery-1.0.0', phase: 'discover-100' },
  { title: 'mixed 80% discover / 20% register, 16 streams', session: 'discovery-1.0.0', phase: 'mixed c=16' }
]
