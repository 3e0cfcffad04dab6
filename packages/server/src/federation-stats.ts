import type { CounterGroup, Histogram, Metrics } from '@libp2p/interface'

/** What a point's federation did since it started; `stats().federation` */
export interface FederationStats {
  /** Messages this point published on the federation topic, by kind */
  published: { register: number, unregister: number }
  /** Messages received from other members, by kind (before validation) */
  received: { register: number, unregister: number }
  /** Federated registrations stored (from gossip and from syncs) */
  applied: number
  /** Federated unregistrations carried out */
  removed: number
  /**
   * Messages and synced registrations refused, by reason: `not-member`, `unsigned`, `malformed`,
   * `signature`, `format`, `record`, `namespace`, `dialect`, `ttl`, `expired`, `future`, `superseded`,
   * `unregistered`, `limit`, `store`
   */
  rejected: Record<string, number>
  /** Sync exchanges: answered for other members, pulled from them, failed */
  syncs: { served: number, pulled: number, failed: number }
  /** Ms from the grant at the origin point to the registration being stored here, for the last one applied */
  lastLag?: number
}

/** Lag buckets in seconds: gossip on loopback takes ms, a catch-up after a partition minutes */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600]

/** Keeps {@link FederationStats} and mirrors it into libp2p metrics when the node has them */
export class FederationRecorder {
  readonly stats: FederationStats = {
    published: { register: 0, unregister: 0 },
    received: { register: 0, unregister: 0 },
    applied: 0,
    removed: 0,
    rejected: {},
    syncs: { served: 0, pulled: 0, failed: 0 }
  }

  private readonly messages?: CounterGroup
  private readonly rejections?: CounterGroup
  private readonly lagHistogram?: Histogram

  constructor (metrics?: Metrics) {
    if (metrics == null) {
      return
    }
    this.messages = metrics.registerCounterGroup('rendezvous_federation_messages_total', {
      label: 'event',
      help: 'Federation messages: "out register", "out unregister", "in register", "in unregister", "applied", "removed", syncs'
    })
    this.rejections = metrics.registerCounterGroup('rendezvous_federation_rejected_total', {
      label: 'reason',
      help: 'Federated messages and synced registrations refused, by reason'
    })
    this.lagHistogram = metrics.registerHistogram('rendezvous_federation_lag_seconds', {
      help: 'Time from a registration being granted at its origin point to it being stored here',
      buckets: LAG_BUCKETS
    })
  }

  published (kind: 'register' | 'unregister'): void {
    this.stats.published[kind]++
    this.messages?.increment({ [`out ${kind}`]: true })
  }

  received (kind: 'register' | 'unregister'): void {
    this.stats.received[kind]++
    this.messages?.increment({ [`in ${kind}`]: true })
  }

  applied (lagMs: number): void {
    this.stats.applied++
    this.stats.lastLag = lagMs
    this.messages?.increment({ applied: true })
    this.lagHistogram?.observe(Math.max(0, lagMs) / 1000)
  }

  removed (): void {
    this.stats.removed++
    this.messages?.increment({ removed: true })
  }

  rejected (reason: string): void {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1
    this.rejections?.increment({ [reason]: true })
  }

  sync (what: 'served' | 'pulled' | 'failed'): void {
    this.stats.syncs[what]++
    this.messages?.increment({ [`sync ${what}`]: true })
  }

  snapshot (): FederationStats {
    return {
      ...this.stats,
      published: { ...this.stats.published },
      received: { ...this.stats.received },
      rejected: { ...this.stats.rejected },
      syncs: { ...this.stats.syncs }
    }
  }
}
