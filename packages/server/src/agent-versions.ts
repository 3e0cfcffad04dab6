import { IDENTIFY_ON_DEMAND_MEMORY, IDENTIFY_ON_DEMAND_TIMEOUT } from './constants.ts'
import type { AbortOptions, Connection, Logger, PeerId, PeerStore } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

/** What the point needs of `@libp2p/identify`'s service: asking one connection's peer who it is */
export interface IdentifyOnDemand {
  identify(connection: Connection, options?: AbortOptions): Promise<{ agentVersion?: string }>
}

/** Where agent versions come from */
export interface AgentVersionSources {
  peerStore?: PeerStore
  connectionManager?: ConnectionManager
  /** The node's identify service, when the point asks peers itself (undefined: the peer store only) */
  identify?(): IdentifyOnDemand | undefined
}

/**
 * A requester's identify agent version (docs/server-behaviour.md, "What each requester is served"): what the
 * peer store holds, and otherwise, when the point runs identify only for peers that ask
 * (`runOnConnectionOpen: false`, which saves every handshake an identify exchange), the answer of asking this
 * one peer over its open connection. Each peer is asked at most once while it is remembered (a peer that
 * refuses identify is not asked again on each DISCOVER), and concurrent requests of one peer share one ask.
 */
export class AgentVersions {
  private readonly sources: AgentVersionSources
  private readonly log: Logger
  // insertion order is age: the oldest peer is forgotten first
  private readonly asked = new Map<string, Promise<string | undefined>>()

  constructor (sources: AgentVersionSources, log: Logger) {
    this.sources = sources
    this.log = log
  }

  async of (peer: PeerId): Promise<string | undefined> {
    const stored = await this.stored(peer)
    if (stored != null) {
      return stored
    }
    const service = this.sources.identify?.()
    if (service == null) {
      return undefined
    }
    const key = peer.toString()
    let asking = this.asked.get(key)
    if (asking == null) {
      const connection = this.sources.connectionManager?.getConnections(peer).find(c => c.status === 'open')
      if (connection == null) {
        return undefined
      }
      asking = this.ask(service, connection, peer)
      this.asked.set(key, asking)
      if (this.asked.size > IDENTIFY_ON_DEMAND_MEMORY) {
        const oldest = this.asked.keys().next().value
        if (oldest != null) {
          this.asked.delete(oldest)
        }
      }
    }
    return asking
  }

  private async stored (peer: PeerId): Promise<string | undefined> {
    try {
      const agent = (await this.sources.peerStore?.get(peer))?.metadata.get('AgentVersion')
      return agent == null ? undefined : new TextDecoder().decode(agent)
    } catch {
      // a peer the store does not know (identify has not run, or is off)
      return undefined
    }
  }

  private async ask (service: IdentifyOnDemand, connection: Connection, peer: PeerId): Promise<string | undefined> {
    try {
      const { agentVersion } = await service.identify(connection, { signal: AbortSignal.timeout(IDENTIFY_ON_DEMAND_TIMEOUT) })
      return agentVersion
    } catch (err: any) {
      // a peer that does not run identify is served as one that says nothing about itself
      this.log.trace('%p did not identify itself - %e', peer, err)
      return undefined
    }
  }
}
