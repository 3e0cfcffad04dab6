import type { FederationStats } from './federation-stats.ts'
import type { FollowStats } from './follow-service.ts'
import type { CounterGroup, HistogramGroup, Metrics } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'
import type { RegistrationStore } from '@rendezvous/store'

/** Counters of one server since it was created; see {@link RendezvousServerStats} in the package docs */
export interface RendezvousServerStats {
  streams: {
    /** Streams accepted */
    opened: number
    /** Streams being served now */
    active: number
    /** Streams cut off for sending nothing, or too slowly */
    timedOut: number
    /** Streams aborted for an oversized, truncated or undecodable frame, or an unexpected message */
    malformed: number
  }
  /**
   * Requests answered, keyed `<dialect> <type> <status>` such as `waku/0.0.1 REGISTER OK` or
   * `rendezvous/1.0.0 DISCOVER E_INVALID_COOKIE`; UNREGISTER, which has no response, is keyed
   * `rendezvous/1.0.0 UNREGISTER -`.
   */
  requests: Record<string, number>
  /** Envelope signatures verified (cache misses) */
  verifications: number
  /** REGISTERs whose byte-identical envelope was verified before */
  verificationCacheHits: number
  /** Envelopes in the verification cache now */
  verificationCacheSize: number
  /** Requests answered E_INTERNAL_ERROR because the store failed */
  internalErrors: number
  /** DISCOVERs cut short or refused because the peer was over its answer-byte budget */
  discoverBudgetLimited: number
  /** The connection guard's work, when there is one */
  connections?: {
    /** Inbound connections refused: too many handshakes from one IP, too many connections without a stream from one IP */
    refused: { pending: number, unproven: number }
    /** Connections closed: idle for too long, pruned above the cap */
    closed: { idle: number, pruned: number }
  }
  /** Registrations deleted by expiry passes */
  expired: number
  /** The federation's work, when the point is in one */
  federation?: FederationStats
  /** Follow streams, when the point serves them */
  follow?: FollowStats
}

/** Latency buckets in seconds: a cached REGISTER takes tens of µs, a cold one a signature check, a slow store more */
const LATENCY_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/**
 * Counts what the server does, for `stats()`, and mirrors it into the libp2p metrics interface when the
 * node has one.
 */
export class StatsRecorder {
  readonly streams = { opened: 0, active: 0, timedOut: 0, malformed: 0 }
  readonly requests: Record<string, number> = {}
  expired = 0

  private readonly requestCounter?: CounterGroup
  private readonly streamCounter?: CounterGroup
  private readonly latency?: HistogramGroup

  constructor (metrics: Metrics | undefined, store: RegistrationStore) {
    if (metrics == null) {
      return
    }
    metrics.registerMetric('rendezvous_server_registrations', {
      help: 'Live registrations in the store',
      // a scrape must not fail because the store did (or was closed during shutdown)
      calculate: async () => store.count().catch(() => 0)
    })
    this.requestCounter = metrics.registerCounterGroup('rendezvous_server_requests_total', {
      label: 'request',
      help: 'Requests answered, by "<dialect> <type> <status>"'
    })
    this.streamCounter = metrics.registerCounterGroup('rendezvous_server_streams_total', {
      label: 'event',
      help: 'Inbound streams: opened, timed out, malformed'
    })
    this.latency = metrics.registerHistogramGroup('rendezvous_server_request_duration_seconds', {
      label: 'request',
      help: 'Time from a request\'s last byte to its answer being queued, by "<dialect> <type>"',
      buckets: LATENCY_BUCKETS
    })
  }

  streamOpened (): void {
    this.streams.opened++
    this.streams.active++
    this.streamCounter?.increment({ opened: true })
  }

  streamClosed (): void {
    this.streams.active--
  }

  streamTimedOut (): void {
    this.streams.timedOut++
    this.streamCounter?.increment({ timeout: true })
  }

  streamMalformed (): void {
    this.streams.malformed++
    this.streamCounter?.increment({ malformed: true })
  }

  request (dialect: Dialect, type: string, status: string, seconds: number): void {
    const key = `${dialect.name} ${type} ${status}`
    this.requests[key] = (this.requests[key] ?? 0) + 1
    this.requestCounter?.increment({ [key]: true })
    this.latency?.observe({ [`${dialect.name} ${type}`]: seconds })
  }
}
