import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES, DIALECTS, dialect as lookUpDialect } from '@rendezvous/codec'
import {
  DEFAULT_EXPIRY_INTERVAL, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_DISCOVER_LIMIT, DEFAULT_MAX_INBOUND_STREAMS,
  DEFAULT_MAX_REGISTRATIONS_PER_PEER, DEFAULT_MAX_TTL, DEFAULT_MIN_TTL, DEFAULT_SHUTDOWN_TIMEOUT, DEFAULT_STREAM_TIMEOUT,
  DEFAULT_TTL, DEFAULT_VERIFICATION_CACHE_SIZE, MAX_TTL, DEFAULT_MAX_RECORD_BYTES, DEFAULT_DISCOVER_BYTES_PER_SECOND,
  DEFAULT_DISCOVER_BURST_BYTES, DEFAULT_MAX_FOLLOWERS
} from './constants.ts'
import { generateCookieSecret, validateCookieSecret } from './cookie.ts'
import { InvalidServerConfigError } from './errors.ts'
import { resolveFederation } from './federation-config.ts'
import type { ConnectionGuard } from './connection-guard.ts'
import type { FederationConfig, FederationInit } from './federation-config.ts'
import type { Dialect, TtlPolicy } from '@rendezvous/codec'
import type { RegistrationStore } from '@rendezvous/store'

/** Everything a {@link RendezvousServerInit} can set; only `store` is required */
export interface RendezvousServerInit {
  /** Where registrations live. The server never closes it: its owner does, after `node.stop()` */
  store: RegistrationStore

  /**
   * The dialects to serve, each on its own protocol ID, all on the one store: `Dialect` values, or their
   * names or protocol IDs (`rendezvous/1.0.0`, `/vac/waku/rendezvous/1.0.0`, …).
   *
   * @default DIALECTS (every dialect of `@rendezvous/codec`)
   */
  dialects?: Array<Dialect | string>

  /**
   * The TTL window, in seconds, of the dialects whose window is the operator's (`ttl.adjustable`:
   * `/rendezvous/1.0.0`): a REGISTER without a ttl gets `default`; one outside `[min, max]` gets
   * E_INVALID_TTL. The Waku dialects keep their references' fixed windows.
   *
   * @default { default: 7200, min: 7200, max: 259200 }
   */
  ttl?: Partial<TtlPolicy>

  /**
   * Live registrations one peer may hold across namespaces (and dialects). A refresh of a (peer, namespace)
   * it already holds does not count. Over it, REGISTER answers E_NOT_AUTHORIZED.
   *
   * @default 1000
   */
  maxRegistrationsPerPeer?: number

  /**
   * Live registrations the point holds in total. Over it, a REGISTER that is not a refresh answers
   * E_UNAVAILABLE.
   *
   * @default Infinity
   */
  maxRegistrations?: number

  /**
   * The most registrations one DISCOVER returns; a larger (or absent, or 0) limit is lowered to it.
   *
   * @default 1000
   */
  maxDiscoverLimit?: number

  /**
   * The HMAC-SHA256 key of `/rendezvous/1.0.0` cookies, at least 16 bytes. Persist it together with a
   * persistent store and cookies keep working across restarts. Without it, a random key per process.
   */
  cookieSecret?: Uint8Array

  /**
   * Streams per connection and protocol a peer may have open at once.
   *
   * @default 16
   */
  maxInboundStreams?: number

  /**
   * Serve peers on limited (relayed) connections too.
   *
   * @default false
   */
  runOnLimitedConnection?: boolean

  /**
   * Let libp2p's peer store record that each requester speaks the rendezvous protocol it opened a stream of
   * (js-libp2p's default for every inbound stream). A point needs no such record (what it needs of a peer
   * it learns from its requests and, when asked, from identify), and writing it cost a third of a fresh
   * peer's first REGISTER (docs/performance.md, "What was changed"). Takes effect with the workspace's
   * libp2p patch (docs/upstream.md, section 6); a libp2p without it records every requester's protocol.
   *
   * @default false
   */
  recordRequesterProtocols?: boolean

  /**
   * The largest request frame accepted, in bytes; a larger length prefix aborts the stream before
   * anything is buffered.
   *
   * @default 16384
   */
  maxRequestBytes?: number

  /**
   * The largest signed peer record accepted in a REGISTER, in bytes (E_INVALID_SIGNED_PEER_RECORD above):
   * it bounds what one registration makes every DISCOVER answer carry. Realistic records (a few addresses,
   * an RSA key at most) stay under 1.5 KiB.
   *
   * @default 4096
   */
  maxRecordBytes?: number

  /**
   * DISCOVER answer bytes one peer may be sent per second on average (`Infinity`: no limit). A peer over
   * its budget gets a shorter page (with a cookie to resume) or, with nothing left, E_UNAVAILABLE.
   *
   * @default 1048576
   */
  discoverBytesPerSecond?: number

  /**
   * DISCOVER answer bytes one peer may be sent at once: at least one full answer (`maxResponseBytes`)
   *
   * @default 4194304
   */
  discoverBurstBytes?: number

  /**
   * Limits on what connections cost before they prove anything: per-IP handshakes and idle connections,
   * idle reaping and a pruning cap. The server starts and stops it and tells it which connections use
   * rendezvous; pass its `gater` to libp2p too. Off unless given.
   */
  connectionGuard?: ConnectionGuard

  /**
   * The largest response frame sent, in bytes; a DISCOVER_RESPONSE is cut to fit (with a cookie that
   * resumes after the last registration sent).
   *
   * @default 4194304
   */
  maxResponseBytes?: number

  /**
   * Ms a request may take to arrive complete, counted from its first byte (from the stream opening, for a
   * stream's first request). A peer that opens a stream and sends nothing, or drips bytes, is cut off.
   *
   * @default 10000
   */
  streamTimeout?: number

  /**
   * Ms a stream may wait, after an answer, for the first byte of its next request.
   *
   * @default 150000
   */
  idleTimeout?: number

  /**
   * Ms `stop()` waits for requests in flight to be answered before aborting their streams.
   *
   * @default 5000
   */
  shutdownTimeout?: number

  /**
   * Verified envelopes remembered (least recently used first out), so that a refresh with byte-identical
   * envelope bytes skips the signature check. 0 disables the cache.
   *
   * @default 10000
   */
  verificationCacheSize?: number

  /**
   * Ms between expiry passes (`store.expire()`); 0 disables the timer (reads still never return expired
   * registrations).
   *
   * @default 60000
   */
  expiryInterval?: number

  /**
   * Make this point a member of a federation of points that share registrations over gossipsub
   * (docs/federation.md). Needs a gossipsub service on the node (see `federationPubsub`). Off unless given.
   */
  federation?: FederationInit

  /**
   * The name of the node's identify service, for a point whose identify does not run on every new connection
   * (`identify({ runOnConnectionOpen: false })`: it still answers every peer that asks). The point then asks a
   * requester itself, once, when it needs its agent version to choose the record formats it serves and the
   * peer store has none (docs/server-behaviour.md, "What each requester is served"). Unset: the peer store only.
   */
  identifyService?: string

  /**
   * Followers (`/rendezvous/follow/1.0.0` streams, docs/protocol.md "Follow") served at once; 0 does not
   * serve the follow protocol.
   *
   * @default 10000
   */
  maxFollowers?: number

  /**
   * Milliseconds since the epoch, for tests. Give the store the same clock.
   *
   * @default Date.now
   */
  clock?(): number
}

/** The init with every default applied and checked */
export interface ServerConfig {
  store: RegistrationStore
  dialects: Dialect[]
  ttl: Readonly<TtlPolicy>
  maxRegistrationsPerPeer: number
  maxRegistrations: number
  maxDiscoverLimit: number
  cookieSecret: Uint8Array
  maxInboundStreams: number
  runOnLimitedConnection: boolean
  recordRequesterProtocols: boolean
  maxRequestBytes: number
  maxRecordBytes: number
  discoverBytesPerSecond: number
  discoverBurstBytes: number
  connectionGuard?: ConnectionGuard
  maxResponseBytes: number
  streamTimeout: number
  idleTimeout: number
  shutdownTimeout: number
  verificationCacheSize: number
  expiryInterval: number
  federation?: FederationConfig
  identifyService?: string
  maxFollowers: number
  clock(): number
}

function identifyServiceName (name: string | undefined): string | undefined {
  if (name != null && (typeof name !== 'string' || name === '')) {
    throw new InvalidServerConfigError(`identifyService must name a service, got ${JSON.stringify(name)}`)
  }
  return name
}

function integer (name: string, value: number | undefined, fallback: number, min: number, allowInfinity = false, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback
  if (allowInfinity && v === Infinity) {
    return v
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new InvalidServerConfigError(`${name} must be ${allowInfinity ? 'Infinity or ' : ''}an integer in [${min}, ${max}], got ${String(v)}`)
  }
  return v
}

function resolveDialects (given: Array<Dialect | string> | undefined): Dialect[] {
  if (given != null && (!Array.isArray(given) || given.length === 0)) {
    throw new InvalidServerConfigError('init.dialects must list at least one dialect')
  }
  let dialects: Dialect[]
  try {
    dialects = (given ?? DIALECTS).map(d => lookUpDialect(d))
  } catch (err: any) {
    throw new InvalidServerConfigError(err.message)
  }
  const protocols = new Set<string>()
  for (const dialect of dialects) {
    if (dialect?.protocol == null || typeof dialect.decode !== 'function') {
      throw new InvalidServerConfigError('init.dialects must hold Dialect values from @rendezvous/codec')
    }
    if (protocols.has(dialect.protocol)) {
      throw new InvalidServerConfigError(`dialect ${dialect.protocol} is listed twice`)
    }
    protocols.add(dialect.protocol)
  }
  return [...dialects]
}

/** Missing bounds default to the spec's window, widened to include whatever bounds are given */
function resolveTtl (given: Partial<TtlPolicy> | undefined): Readonly<TtlPolicy> {
  const min = integer('ttl.min', given?.min, DEFAULT_MIN_TTL, 1, false, MAX_TTL)
  const max = integer('ttl.max', given?.max, Math.max(DEFAULT_MAX_TTL, min), 1, false, MAX_TTL)
  const def = integer('ttl.default', given?.default, Math.min(Math.max(DEFAULT_TTL, min), max), 1, false, MAX_TTL)
  if (!(min <= def && def <= max)) {
    throw new InvalidServerConfigError(`the TTL window needs ttl.min <= ttl.default <= ttl.max, got ${min} <= ${def} <= ${max}`)
  }
  return Object.freeze({ default: def, min, max })
}

/**
 * Apply defaults and check every option.
 *
 * @throws {InvalidServerConfigError} naming the first bad option
 */
export function resolveConfig (init: RendezvousServerInit): ServerConfig {
  if (init == null || typeof init !== 'object') {
    throw new InvalidServerConfigError('rendezvousServer needs an init object with a store')
  }
  const store = init.store
  if (store == null || typeof store.upsert !== 'function' || typeof store.discover !== 'function' || typeof store.sample !== 'function') {
    throw new InvalidServerConfigError('init.store must be a RegistrationStore')
  }

  const dialects = resolveDialects(init.dialects)
  const ttl = resolveTtl(init.ttl)

  let cookieSecret: Uint8Array
  if (init.cookieSecret != null) {
    validateCookieSecret(init.cookieSecret)
    // a copy: a Buffer's slice() would share memory with the caller
    cookieSecret = Uint8Array.from(init.cookieSecret)
  } else {
    cookieSecret = generateCookieSecret()
  }

  const clock = init.clock ?? Date.now
  if (typeof clock !== 'function') {
    throw new InvalidServerConfigError('init.clock must be a function returning ms since the epoch')
  }

  return {
    store,
    dialects,
    ttl,
    maxRegistrationsPerPeer: integer('maxRegistrationsPerPeer', init.maxRegistrationsPerPeer, DEFAULT_MAX_REGISTRATIONS_PER_PEER, 1, true),
    maxRegistrations: integer('maxRegistrations', init.maxRegistrations, Infinity, 1, true),
    maxDiscoverLimit: integer('maxDiscoverLimit', init.maxDiscoverLimit, DEFAULT_MAX_DISCOVER_LIMIT, 1),
    cookieSecret,
    maxInboundStreams: integer('maxInboundStreams', init.maxInboundStreams, DEFAULT_MAX_INBOUND_STREAMS, 1),
    runOnLimitedConnection: init.runOnLimitedConnection ?? false,
    recordRequesterProtocols: init.recordRequesterProtocols ?? false,
    maxRequestBytes: integer('maxRequestBytes', init.maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES, 64),
    maxRecordBytes: integer('maxRecordBytes', init.maxRecordBytes, DEFAULT_MAX_RECORD_BYTES, 64),
    discoverBytesPerSecond: integer('discoverBytesPerSecond', init.discoverBytesPerSecond, DEFAULT_DISCOVER_BYTES_PER_SECOND, 1, true),
    discoverBurstBytes: integer('discoverBurstBytes', init.discoverBurstBytes, DEFAULT_DISCOVER_BURST_BYTES, 1024),
    connectionGuard: init.connectionGuard,
    maxResponseBytes: integer('maxResponseBytes', init.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 1024),
    streamTimeout: integer('streamTimeout', init.streamTimeout, DEFAULT_STREAM_TIMEOUT, 1),
    idleTimeout: integer('idleTimeout', init.idleTimeout, DEFAULT_IDLE_TIMEOUT, 1),
    shutdownTimeout: integer('shutdownTimeout', init.shutdownTimeout, DEFAULT_SHUTDOWN_TIMEOUT, 0),
    verificationCacheSize: integer('verificationCacheSize', init.verificationCacheSize, DEFAULT_VERIFICATION_CACHE_SIZE, 0),
    expiryInterval: integer('expiryInterval', init.expiryInterval, DEFAULT_EXPIRY_INTERVAL, 0),
    federation: init.federation == null ? undefined : resolveFederation(init.federation),
    identifyService: identifyServiceName(init.identifyService),
    maxFollowers: integer('maxFollowers', init.maxFollowers, DEFAULT_MAX_FOLLOWERS, 0),
    clock
  }
}
