/**
 * @packageDocumentation
 *
 * A rendezvous client for js-libp2p v3 that talks to `/rendezvous/1.0.0` points (Go, Rust, Nim and
 * this repository's server), to nwaku's `/vac/waku/rendezvous/1.0.0` and to legacy
 * `/vac/waku/rendezvous/0.0.1` points, reading every peer-record format they carry, and a peer discovery
 * built on it that lets gossipsub find its mesh through rendezvous points.
 *
 * {@link rendezvousClient} is a service with `register`, `unregister`, `discover` and `discoverAll`.
 * Registrations are kept alive (refresh before the TTL runs out, again when the node's addresses
 * change, backoff with jitter on failure). Every discovered record is verified here.
 *
 * {@link rendezvousDiscovery} is a `PeerDiscovery` that registers under its namespaces, polls with
 * cookies, emits `peer` for new peers and dials enough of them to keep a target number of connections.
 *
 * @example
 *
 * ```TypeScript
 * import { createLibp2p } from 'libp2p'
 * import { gossipsub } from '@libp2p/gossipsub'
 * import { identify } from '@libp2p/identify'
 * import { rendezvousClient, rendezvousDiscovery } from '@rendezvous/client'
 *
 * const node = await createLibp2p({
 *   // transports, encrypters, muxers…
 *   peerDiscovery: [rendezvousDiscovery({ namespaces: ['my-topic'], interval: 10_000 })],
 *   services: {
 *     identify: identify(),
 *     pubsub: gossipsub(),
 *     rendezvous: rendezvousClient({ points: ['/ip4/192.0.2.1/tcp/8000/p2p/12D3KooW…'] })
 *   }
 * })
 * node.services.pubsub.subscribe('my-topic')
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
import { RendezvousClient } from './client.ts'
import { RendezvousDiscovery } from './discovery.ts'
import type { RendezvousClientComponents, RendezvousClientInit } from './client.ts'
import type { RendezvousDiscoveryInit } from './discovery.ts'

// the services: types only, built by the factories below
export type { RendezvousClient } from './client.ts'
export type { RendezvousDiscovery } from './discovery.ts'
// the factories' init and components
export type { RendezvousClientComponents, RendezvousClientInit } from './client.ts'
export type { RendezvousDiscoveryInit } from './discovery.ts'
export type { PointInput, PointConfig, RecordFormatChoice } from './point.ts'
export type { RefreshOptions } from './refresh-schedule.ts'
export type { Timers } from './time.ts'
// what the client's methods take, return and dispatch
export type { DiscoverOptions, DiscoverAllOptions, DiscoverResult } from './client.ts'
export type {
  RegisterOptions, RegistrationOutcome, UnregisterOptions, UnregisterOutcome, RegistrationStatus, RendezvousClientEvents
} from './registration-keeper.ts'
export type { FollowOptions, FollowBatch } from './follow.ts'
export type { DiscoveredRegistration } from './verify.ts'
export type { RendezvousClientStats } from './stats.ts'
export {
  RendezvousClientError, RendezvousStatusError, RendezvousTimeoutError, RendezvousProtocolError, PointUnreachableError,
  UnsendableNamespaceError, UnknownPointError, NoAddressesToRegisterError, InvalidPointError, NoAnswerError,
  FollowUnsupportedError
} from './errors.ts'
export { DEFAULT_REQUEST_TIMEOUT, DEFAULT_DISCOVER_LIMIT, DEFAULT_DISCOVERY_INTERVAL, DEFAULT_TARGET_CONNECTIONS } from './constants.ts'

/**
 * The rendezvous client as a js-libp2p service:
 * `services: { rendezvous: rendezvousClient({ points: [...] }) }`.
 */
export function rendezvousClient (init: RendezvousClientInit = {}): (components: RendezvousClientComponents) => RendezvousClient {
  return (components) => new RendezvousClient(components, init)
}

/**
 * Peer discovery through rendezvous points: `peerDiscovery: [rendezvousDiscovery({ namespaces: ['topic'] })]`.
 * It shares the `rendezvous` client service's points when the node has one, and otherwise uses its own
 * `points`.
 */
export function rendezvousDiscovery (init: RendezvousDiscoveryInit): (components: RendezvousClientComponents) => RendezvousDiscovery {
  return (components) => new RendezvousDiscovery(components, init)
}
