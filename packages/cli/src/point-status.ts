import { openPeerRecord } from '@rendezvous/codec'
import { ADMIN_MAX_PAGE } from './constants.ts'
import type { DaemonConfig } from './config.ts'
import type { NamespaceCensus } from './namespace-census.ts'
import type { RegistrationStore } from '@rendezvous/store'

/** What a running point is and holds, as `GET /api/status` answers it */
export interface PointStatus {
  peerId: string
  version: string
  /** Seconds since the daemon started */
  uptimeSeconds: number
  startedAt: string
  /** The process that answered: under `--workers`, one of the workers, each with its own counters */
  pid: number
  /** The addresses peers are told (announced, or else the listen addresses), each with `/p2p/<peer id>` */
  addresses: string[]
  /** The protocol IDs served */
  protocols: string[]
  store: { kind: string, path?: string }
  /** The `/rendezvous/1.0.0` TTL window, in seconds */
  ttl: PointBounds['ttl']
  limits: PointBounds['limits']
  /** Live registrations in the store */
  registrations: number
  /** Open connections */
  connections: number
  /** Peers libp2p's peer store holds (the point's own entry among them), and the most it keeps (`--peer-store-limit`) */
  peerStore: { peers: number, limit: number }
  /** Namespaces with their live registrations, most first, one page of them */
  namespaces: {
    /** How many namespaces there are */
    total: number
    offset: number
    limit: number
    /** `true` if the count stopped at its cap and covers only part of the store */
    truncated: boolean
    items: Array<{ namespace: string, registrations: number }>
  }
}

/** One registration as `GET /api/namespaces/<namespace>` shows it: never the signed record itself */
export interface RegistrationView {
  peerId: string
  /** The addresses in the signed peer record */
  addresses: string[]
  /** The record format: `standard`, `rust-legacy` or `waku` */
  format: string
  /** The TTL granted, in seconds */
  ttl: number
  /** Seconds until it expires */
  remainingSeconds: number
  registeredAt: string
  expiresAt: string
}

/** A page of one namespace's registrations */
export interface NamespaceStatus {
  namespace: string
  registrations: RegistrationView[]
  /** Pass as `after` for the next page; `null` when this was the last */
  next: number | null
}

/** What the daemon knows about itself that the status does not read from the store */
export interface PointFacts {
  peerId: string
  version: string
  startedAt: number
  pid: number
  addresses(): string[]
  protocols: string[]
  store: { kind: string, path?: string }
  ttl: PointBounds['ttl']
  limits: PointBounds['limits']
  connections(): number
  peerStore(): { peers: number, limit: number }
}

/** Answers the admin API's questions from the daemon's facts, its store and the namespace count */
export class StatusSource {
  private readonly facts: PointFacts
  private readonly store: RegistrationStore
  private readonly census: NamespaceCensus

  constructor (facts: PointFacts, store: RegistrationStore, census: NamespaceCensus) {
    this.facts = facts
    this.store = store
    this.census = census
  }

  async status (offset: number, limit: number): Promise<PointStatus> {
    const f = this.facts
    const census = await this.census.get()
    const size = Math.min(Math.max(limit, 1), ADMIN_MAX_PAGE)
    return {
      peerId: f.peerId,
      version: f.version,
      uptimeSeconds: Math.floor((Date.now() - f.startedAt) / 1000),
      startedAt: new Date(f.startedAt).toISOString(),
      pid: f.pid,
      addresses: f.addresses(),
      protocols: f.protocols,
      store: f.store,
      ttl: f.ttl,
      limits: f.limits,
      registrations: await this.store.count(),
      connections: f.connections(),
      peerStore: f.peerStore(),
      namespaces: {
        total: census.namespaces.length,
        offset,
        limit: size,
        truncated: census.truncated,
        items: census.namespaces.slice(offset, offset + size)
      }
    }
  }

  async namespace (namespace: string, after: number, limit: number): Promise<NamespaceStatus> {
    const size = Math.min(Math.max(limit, 1), ADMIN_MAX_PAGE)
    const page = await this.store.discover({ namespace, after, limit: size })
    const now = Date.now()
    const registrations = await Promise.all(page.registrations.map(async (r): Promise<RegistrationView> => {
      let addresses: string[] = []
      try {
        const record = await openPeerRecord(r.signedPeerRecord)
        addresses = record.multiaddrs.map(ma => ma.toString())
      } catch {
        // the server verified it on REGISTER; a record this version cannot open is shown without addresses
      }
      return {
        peerId: r.peerId,
        addresses,
        format: r.format,
        ttl: r.ttl,
        remainingSeconds: Math.max(0, Math.round((r.expiresAt - now) / 1000)),
        registeredAt: new Date(r.registeredAt).toISOString(),
        expiresAt: new Date(r.expiresAt).toISOString()
      }
    }))
    return { namespace, registrations, next: page.registrations.length < size ? null : page.position }
  }
}

/** The TTL window and the limits a daemon runs with, as its banner and its status show them */
export interface PointBounds {
  ttl: { min: number, max: number, default: number }
  limits: { maxRegistrations: number, maxRegistrationsPerPeer: number, maxDiscoverLimit: number, maxConnections: number }
}

/** The {@link PointBounds} of a configuration */
export function pointBounds (config: DaemonConfig): PointBounds {
  return {
    ttl: { min: config.minTtl, max: config.maxTtl, default: config.defaultTtl },
    limits: {
      maxRegistrations: config.maxRegistrations,
      maxRegistrationsPerPeer: config.maxRegistrationsPerPeer,
      maxDiscoverLimit: config.maxDiscoverLimit,
      maxConnections: config.maxConnections
    }
  }
}
