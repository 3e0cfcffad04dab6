import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import {
  DEFAULT_FEDERATION_MAX_CLOCK_SKEW, DEFAULT_FEDERATION_MAX_UNREGISTRATIONS, DEFAULT_FEDERATION_REDIAL_INTERVAL,
  FEDERATION_TOPIC_PREFIX
} from './constants.ts'
import { InvalidServerConfigError } from './errors.ts'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The `federation` option of the server (docs/federation.md) */
export interface FederationInit {
  /** The federation's name: its gossipsub topic is `/rendezvous/federation/1.0.0/<name>` */
  name: string

  /**
   * The peer IDs of the member points, whose messages are accepted (this point may be listed too).
   * The peer IDs of `peers` are members as well.
   */
  members?: Array<PeerId | string>

  /** Addresses of members to connect to and stay connected with, each ending in `/p2p/<peer ID>` */
  peers?: Array<Multiaddr | string>

  /**
   * The name of the node's gossipsub service, which must sign messages (`StrictSign`, the default).
   *
   * @default 'pubsub'
   */
  pubsubService?: string

  /**
   * Ms between reconnection attempts to `peers` that are not connected.
   *
   * @default 5000
   */
  redialInterval?: number

  /**
   * Ms a registration may claim to have been granted ahead of this point's clock before it is refused.
   *
   * @default 30000
   */
  maxClockSkew?: number

  /**
   * Unregistrations remembered (to refuse the registrations they removed when a member that missed them
   * sends them again), oldest forgotten first.
   *
   * @default 100000
   */
  maxUnregistrations?: number
}

/** The federation option with every default applied and checked */
export interface FederationConfig {
  name: string
  topic: string
  members: ReadonlySet<string>
  peers: Array<{ peerId: PeerId, multiaddr: Multiaddr }>
  pubsubService: string
  redialInterval: number
  maxClockSkew: number
  maxUnregistrations: number
}

function nonNegative (name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new InvalidServerConfigError(`federation.${name} must be a non-negative integer, got ${String(v)}`)
  }
  return v
}

/**
 * Apply the defaults of a federation option and check it.
 *
 * @throws {InvalidServerConfigError} naming the first bad field
 */
export function resolveFederation (init: FederationInit): FederationConfig {
  if (init == null || typeof init !== 'object') {
    throw new InvalidServerConfigError('federation must be an object with a name')
  }
  const name = init.name
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
    throw new InvalidServerConfigError('federation.name must be a string of 1 to 128 characters')
  }
  const members = new Set<string>()
  for (const member of init.members ?? []) {
    try {
      members.add(typeof member === 'string' ? peerIdFromString(member).toString() : member.toString())
    } catch (err: any) {
      throw new InvalidServerConfigError(`federation.members holds something that is not a peer ID: ${String(member)} (${err.message})`)
    }
  }
  const peers: FederationConfig['peers'] = []
  for (const peer of init.peers ?? []) {
    let ma: Multiaddr
    try {
      ma = typeof peer === 'string' ? multiaddr(peer) : peer
    } catch (err: any) {
      throw new InvalidServerConfigError(`federation.peers holds something that is not a multiaddr: ${String(peer)} (${err.message})`)
    }
    const id = ma.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id == null) {
      throw new InvalidServerConfigError(`federation peer ${ma.toString()} must end in /p2p/<peer ID>`)
    }
    const peerId = peerIdFromString(id)
    members.add(peerId.toString())
    peers.push({ peerId, multiaddr: ma })
  }
  if (members.size === 0) {
    throw new InvalidServerConfigError('federation needs members or peers: a point accepts messages from members only')
  }
  return {
    name,
    topic: FEDERATION_TOPIC_PREFIX + name,
    members,
    peers,
    pubsubService: init.pubsubService ?? 'pubsub',
    redialInterval: nonNegative('redialInterval', init.redialInterval, DEFAULT_FEDERATION_REDIAL_INTERVAL),
    maxClockSkew: nonNegative('maxClockSkew', init.maxClockSkew, DEFAULT_FEDERATION_MAX_CLOCK_SKEW),
    maxUnregistrations: nonNegative('maxUnregistrations', init.maxUnregistrations, DEFAULT_FEDERATION_MAX_UNREGISTRATIONS)
  }
}
