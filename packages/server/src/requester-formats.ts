import { RECORD_FORMATS } from '@rendezvous/codec'
import { AGENT_RECORD_FORMATS, REQUESTER_FORMATS_MEMORY } from './constants.ts'
import type { PeerId } from '@libp2p/interface'
import type { Dialect, DiscoverMessage } from '@rendezvous/codec'

/** The agent version a peer announced through identify, if the node knows it */
export type AgentVersionOf = (peer: PeerId) => Promise<string | undefined>

const KNOWN_FORMATS = new Set(RECORD_FORMATS.map(f => f.name))

/**
 * Which record formats a requester can read, so that a DISCOVER answer never holds a record its codec
 * rejects (a rust-libp2p client fails a whole page on one record it cannot read). The signals, strongest
 * first (docs/server-behaviour.md, "What each requester is served"):
 *
 * 1. the formats the DISCOVER itself lists (this project's clients send them, field 100);
 * 2. the formats the requester registered with at this point: a peer reads what it writes;
 * 3. its identify agent version (`rust-libp2p/…` reads `rust-legacy` only);
 * 4. otherwise what the dialect's common clients read (`Dialect.records.served`).
 */
export class RequesterFormats {
  // insertion order is recency: a peer that registers again moves to the end, the oldest goes first
  private readonly registered = new Map<string, string[]>()
  private readonly agentVersionOf: AgentVersionOf

  constructor (agentVersionOf: AgentVersionOf) {
    this.agentVersionOf = agentVersionOf
  }

  /** Remember that `peer` registered a record of `format` here */
  noteRegistered (peer: string, format: string): void {
    const formats = this.registered.get(peer) ?? []
    this.registered.delete(peer)
    this.registered.set(peer, formats.includes(format) ? formats : [...formats, format])
    if (this.registered.size > REQUESTER_FORMATS_MEMORY) {
      const oldest = this.registered.keys().next().value
      if (oldest != null) {
        this.registered.delete(oldest)
      }
    }
  }

  /** The formats to serve `peer` for this DISCOVER */
  async served (dialect: Dialect, request: DiscoverMessage, peer: PeerId): Promise<readonly string[]> {
    if (request.acceptFormats != null) {
      return request.acceptFormats.filter(f => KNOWN_FORMATS.has(f))
    }
    const registered = this.registered.get(peer.toString())
    if (registered != null) {
      return registered
    }
    const agent = await this.agentVersionOf(peer)
    if (agent != null) {
      for (const [prefix, formats] of AGENT_RECORD_FORMATS) {
        if (agent.startsWith(prefix)) {
          return formats
        }
      }
    }
    return dialect.records.served.map(f => f.name)
  }
}
