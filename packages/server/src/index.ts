/**
 * @packageDocumentation
 *
 * A rendezvous point as a js-libp2p v3 service. It serves every dialect of `@rendezvous/codec`'s registry
 * (`/rendezvous/1.0.0`, nwaku's `/vac/waku/rendezvous/1.0.0` and go-waku-rendezvous's
 * `/vac/waku/rendezvous/0.0.1`) from one {@link RegistrationStore}; everything that differs between them is
 * read from the dialect value. Each dialect accepts its own record formats (`standard` and `rust-legacy`
 * on 1.0.0, `waku` on nwaku's), and each requester is served only the formats it reads.
 *
 * REGISTER: only a peer can register itself (the envelope's key, the record's peer ID and the connection's
 * remote peer are one peer); each distinct envelope's signature is verified once; per-peer and global caps;
 * a rejected REGISTER changes nothing.
 *
 * DISCOVER: a `sample` dialect (0.0.1) returns a uniform random sample with the granted TTL; a `paged` one
 * pages in store order with stateless HMAC cookies (valid across restarts with the same secret and a
 * persistent store) and the remaining TTL.
 *
 * Limits on frame size per direction, streams per connection, and time (idle and dripping streams are cut
 * off); E_INTERNAL_ERROR never carries internal detail; periodic expiry; libp2p metrics.
 *
 * @example
 *
 * ```TypeScript
 * import { noise } from '@chainsafe/libp2p-noise'
 * import { identify } from '@libp2p/identify'
 * import { tcp } from '@libp2p/tcp'
 * import { yamux } from '@libp2p/yamux'
 * import { createLibp2p } from 'libp2p'
 * import { rendezvousServer } from '@rendezvous/server'
 * import { sqliteStore } from '@rendezvous/store-sqlite'
 *
 * const store = await sqliteStore({ path: './rendezvous-data/registrations.sqlite' })
 * const node = await createLibp2p({
 *   addresses: { listen: ['/ip4/0.0.0.0/tcp/8000'] },
 *   transports: [tcp()],
 *   connectionEncrypters: [noise()],
 *   streamMuxers: [yamux()],
 *   services: {
 *     identify: identify(),
 *     rendezvous: rendezvousServer({ store, ttl: { min: 60 } })
 *   }
 * })
 * console.info(node.getMultiaddrs().map(String))
 * // later: await node.stop(); await store.close()
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
import { RendezvousServer } from './server.ts'
import type { RendezvousServerInit } from './config.ts'
import type { RendezvousServerComponents } from './server.ts'

// the service, what it takes and what it tells
export type { RendezvousServer } from './server.ts'
export type { RendezvousServerComponents } from './server.ts'
export type { RendezvousServerInit } from './config.ts'
export type { RendezvousServerStats } from './stats.ts'
export type { RendezvousServerEvents, RequestEventDetail, ExpiredEventDetail } from './server-events.ts'

// options that are objects of their own: the connection guard, the federation, the node's logger
export { ConnectionGuard } from './connection-guard.ts'
export type { ConnectionGuardInit } from './connection-guard.ts'
export { federationPubsub } from './federation-pubsub.ts'
export type { Federation } from './federation.ts'
export type { FederationInit } from './federation-config.ts'
export type { FederationStats } from './federation-stats.ts'
export type { FollowStats } from './follow-service.ts'
export { quietLogger } from './quiet-logger.ts'

// what a caller catches, and the defaults of the limits a REGISTER and a DISCOVER meet
export { RendezvousServerError, InvalidServerConfigError } from './errors.ts'
export { DEFAULT_TTL, DEFAULT_MIN_TTL, DEFAULT_MAX_TTL, DEFAULT_MAX_REGISTRATIONS_PER_PEER, DEFAULT_MAX_DISCOVER_LIMIT } from './constants.ts'

/**
 * The rendezvous point service factory, for `createLibp2p({ services: { rendezvous: rendezvousServer({ store }) } })`.
 *
 * @param init - the store and options; see {@link RendezvousServerInit} for every default
 * @throws {InvalidServerConfigError} when the libp2p node builds the service with a bad option
 */
export function rendezvousServer (init: RendezvousServerInit): (components: RendezvousServerComponents) => RendezvousServer {
  return (components) => new RendezvousServer(components, init)
}
