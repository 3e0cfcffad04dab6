import { Status } from '@rendezvous/codec'
import { MAX_NAMESPACE_BYTES } from '@rendezvous/store'
import { DISCOVER_RESPONSE_OVERHEAD, INTERNAL_ERROR_TEXT, REGISTRATION_OVERHEAD } from './constants.ts'
import { mintCookie, openCookie } from './cookie.ts'
import type { ServerConfig } from './config.ts'
import type { EnvelopeVerifier } from './verification-cache.ts'
import type { Logger, PeerId } from '@libp2p/interface'
import type {
  Dialect, DiscoverMessage, DiscoverResponseMessage, RegisterMessage, RegisterResponseMessage, RendezvousRequest,
  RendezvousResponse, StatusCode, TtlPolicy, UnregisterMessage, Registration as WireRegistration
} from '@rendezvous/codec'
import type { Registration } from '@rendezvous/store'

const encoder = new TextEncoder()

function utf8Bytes (s: string): number {
  return encoder.encode(s).byteLength
}

/**
 * What differs between dialects beyond the wire: the reference's status texts and TTL rules for
 * go-waku-rendezvous, the specification's for everything else.
 */
interface DialectPolicy {
  /** `/vac/waku/rendezvous/0.0.1`: the reference's texts, random samples, original TTLs */
  legacy: boolean
  ttl: Readonly<TtlPolicy>
  /** The status for a record of another peer than the connection's remote peer */
  peerMismatchStatus: StatusCode
  texts: {
    emptyNamespace: string
    longNamespace: string
    missingRecord: string
    invalidRecord: string
    peerMismatch: string
    noAddresses: string
    longAddresses: string
    badTtl: string
  }
}

function policyFor (dialect: Dialect, config: ServerConfig): DialectPolicy {
  if (!dialect.features.cookies) {
    // go-waku-rendezvous svc.go, in its order and words (research: go-waku-rendezvous.md §2.2)
    return {
      legacy: true,
      ttl: dialect.ttl,
      peerMismatchStatus: Status.E_INVALID_SIGNED_PEER_RECORD,
      texts: {
        emptyNamespace: 'unspecified namespace',
        longNamespace: 'namespace too long',
        missingRecord: 'missing signed peer record',
        invalidRecord: 'invalid peer record',
        peerMismatch: 'peer id mismatch',
        noAddresses: 'missing peer addresses',
        longAddresses: 'peer info too long',
        badTtl: 'bad ttl'
      }
    }
  }
  return {
    legacy: false,
    ttl: config.ttl,
    // the spec: "It is not allowed to register arbitrary peers"; rust-libp2p answers E_NOT_AUTHORIZED
    peerMismatchStatus: Status.E_NOT_AUTHORIZED,
    texts: {
      emptyNamespace: 'namespace is empty',
      longNamespace: `namespace is longer than ${dialect.limits.maxNamespaceBytes} bytes`,
      missingRecord: 'missing signed peer record',
      invalidRecord: 'invalid signed peer record',
      peerMismatch: 'peer id mismatch',
      noAddresses: 'missing peer addresses',
      longAddresses: `peer addresses are longer than ${dialect.limits.maxPeerAddressBytes} bytes`,
      badTtl: `ttl must be between ${config.ttl.min} and ${config.ttl.max} seconds`
    }
  }
}

/** The TTL to grant, or `undefined` when the requested one is outside the dialect's window */
function grantedTtl (policy: DialectPolicy, requested: number | undefined): number | undefined {
  if (policy.legacy) {
    // 0.0.1 cannot tell an absent ttl from 0; the reference grants its default for both
    const ttl = requested ?? 0
    if (ttl < policy.ttl.min || ttl > policy.ttl.max) {
      return undefined
    }
    return ttl === 0 ? policy.ttl.default : ttl
  }
  const ttl = requested ?? policy.ttl.default
  return ttl < policy.ttl.min || ttl > policy.ttl.max ? undefined : ttl
}

export const PER_PEER_LIMIT_TEXT = 'too many registrations for this peer'
export const GLOBAL_LIMIT_TEXT = 'registration limit reached'
export const INVALID_COOKIE_TEXT = 'invalid cookie'

/**
 * The protocol logic, free of streams: one request of one dialect from one remote peer in, the response
 * (or none, for UNREGISTER) out. Never throws for anything a peer sends; a failing store gives
 * E_INTERNAL_ERROR with a generic text and a log line.
 */
export class RequestHandler {
  private readonly config: ServerConfig
  private readonly verifier: EnvelopeVerifier
  private readonly log: Logger
  private readonly policies = new Map<Dialect, DialectPolicy>()
  private readonly peerQueues = new Map<string, Promise<void>>()
  /** Unexpected failures (store errors) answered with E_INTERNAL_ERROR */
  internalErrors = 0

  constructor (config: ServerConfig, verifier: EnvelopeVerifier, log: Logger) {
    this.config = config
    this.verifier = verifier
    this.log = log
  }

  private policy (dialect: Dialect): DialectPolicy {
    let policy = this.policies.get(dialect)
    if (policy == null) {
      policy = policyFor(dialect, this.config)
      this.policies.set(dialect, policy)
    }
    return policy
  }

  async handle (dialect: Dialect, request: RendezvousRequest, remotePeer: PeerId): Promise<RendezvousResponse | undefined> {
    try {
      switch (request.type) {
        case 'REGISTER':
          return await this.register(dialect, request, remotePeer)
        case 'DISCOVER':
          return await this.discover(dialect, request)
        case 'UNREGISTER':
          await this.unregister(request, remotePeer)
          return undefined
        default:
          // the codec only yields requests here; a new message type must be handled before it is served
          throw new Error(`unhandled request type ${(request as { type: string }).type}`)
      }
    } catch (err: any) {
      this.internalErrors++
      this.log.error('%s %s from %p failed - %e', dialect.name, request.type, remotePeer, err)
      switch (request.type) {
        case 'REGISTER':
          return { type: 'REGISTER_RESPONSE', status: Status.E_INTERNAL_ERROR, statusText: INTERNAL_ERROR_TEXT }
        case 'DISCOVER':
          return { type: 'DISCOVER_RESPONSE', status: Status.E_INTERNAL_ERROR, statusText: INTERNAL_ERROR_TEXT, registrations: [] }
        default:
          return undefined
      }
    }
  }

  private async register (dialect: Dialect, request: RegisterMessage, remotePeer: PeerId): Promise<RegisterResponseMessage> {
    const policy = this.policy(dialect)
    const { texts } = policy
    const refuse = (status: StatusCode, statusText: string): RegisterResponseMessage => ({ type: 'REGISTER_RESPONSE', status, statusText })

    const ns = request.ns
    if (ns === '') {
      return refuse(Status.E_INVALID_NAMESPACE, texts.emptyNamespace)
    }
    const nsBytes = utf8Bytes(ns)
    if (nsBytes > dialect.limits.maxNamespaceBytes) {
      return refuse(Status.E_INVALID_NAMESPACE, texts.longNamespace)
    }
    if (request.signedPeerRecord == null) {
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.missingRecord)
    }

    let record
    try {
      record = await this.verifier.verify(request.signedPeerRecord)
    } catch (err: any) {
      // the input is the peer's alone, so any failure to open it is the peer's fault
      this.log.trace('%s REGISTER from %p: bad envelope - %e', dialect.name, remotePeer, err)
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.invalidRecord)
    }
    // runs on every request, cached or not: a cached envelope proves who signed it, not who sent it
    if (!record.peerId.equals(remotePeer)) {
      return refuse(policy.peerMismatchStatus, texts.peerMismatch)
    }
    if (record.addressCount === 0) {
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.noAddresses)
    }
    if (record.addressBytes > dialect.limits.maxPeerAddressBytes) {
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.longAddresses)
    }

    const ttl = grantedTtl(policy, request.ttl)
    if (ttl == null) {
      return refuse(Status.E_INVALID_TTL, texts.badTtl)
    }

    if (nsBytes > MAX_NAMESPACE_BYTES) {
      // a 256-byte namespace is valid in 0.0.1 but no store keeps more than 255 bytes
      return refuse(Status.E_INVALID_NAMESPACE, texts.longNamespace)
    }

    const signedPeerRecord = request.signedPeerRecord
    // one peer's REGISTERs are checked and written one at a time, so that concurrent streams cannot take a
    // peer past its cap; the signature check above stays outside, in parallel
    return this.serialized(remotePeer.toString(), async (peer) => {
      const { store } = this.config
      // one count in the common case; the count without this namespace (is it a refresh?) only near a cap
      const total = await store.countByPeer(peer)
      let others: number | undefined
      const othersCount = async (): Promise<number> => (others ??= await store.countByPeer(peer, { excludeNamespace: ns }))
      if (total >= this.config.maxRegistrationsPerPeer && (await othersCount()) >= this.config.maxRegistrationsPerPeer) {
        return refuse(Status.E_NOT_AUTHORIZED, PER_PEER_LIMIT_TEXT)
      }
      if (this.config.maxRegistrations !== Infinity && (await store.count()) >= this.config.maxRegistrations) {
        const isRefresh = total > (await othersCount())
        if (!isRefresh) {
          return refuse(Status.E_UNAVAILABLE, GLOBAL_LIMIT_TEXT)
        }
      }

      const now = this.config.clock()
      await store.upsert({ namespace: ns, peerId: peer, signedPeerRecord, ttl, registeredAt: now, expiresAt: now + ttl * 1000 })
      return { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl }
    })
  }

  /** Run `fn` after every earlier call for the same peer has settled */
  private async serialized <T> (peer: string, fn: (peer: string) => Promise<T>): Promise<T> {
    const previous = this.peerQueues.get(peer) ?? Promise.resolve()
    const run = previous.then(async () => fn(peer))
    const settled = run.then(() => {}, () => {})
    this.peerQueues.set(peer, settled)
    try {
      return await run
    } finally {
      // the map holds only peers with a REGISTER in progress
      if (this.peerQueues.get(peer) === settled) {
        this.peerQueues.delete(peer)
      }
    }
  }

  private async discover (dialect: Dialect, request: DiscoverMessage): Promise<DiscoverResponseMessage> {
    const policy = this.policy(dialect)
    const ns = request.ns
    const nsBytes = utf8Bytes(ns)
    if (nsBytes > dialect.limits.maxNamespaceBytes) {
      return { type: 'DISCOVER_RESPONSE', status: Status.E_INVALID_NAMESPACE, statusText: policy.texts.longNamespace, registrations: [] }
    }

    const max = Math.min(this.config.maxDiscoverLimit, dialect.limits.maxDiscoverLimit)
    const requested = request.limit ?? 0
    // 0.0.1: 0, negative and >= 1000 all mean 1000 (svc.go); 1.0.0: absent or 0 means "as many as allowed"
    const limit = requested > 0 && requested < max ? requested : max
    const now = this.config.clock()

    if (policy.legacy) {
      if (ns === '' || (!dialect.features.discoverAllNamespaces && nsBytes > MAX_NAMESPACE_BYTES)) {
        // nothing can be registered under these
        return { type: 'DISCOVER_RESPONSE', status: Status.OK, statusText: '', registrations: [] }
      }
      const sample = await this.config.store.sample(ns, limit)
      const registrations = this.fit(sample.filter(r => r.expiresAt > now), r => r.ttl)
      return { type: 'DISCOVER_RESPONSE', status: Status.OK, statusText: '', registrations: registrations.map(([, wire]) => wire) }
    }

    let after = 0
    if (request.cookie != null) {
      try {
        after = openCookie(this.config.cookieSecret, ns, request.cookie)
      } catch {
        return { type: 'DISCOVER_RESPONSE', status: Status.E_INVALID_COOKIE, statusText: INVALID_COOKIE_TEXT, registrations: [] }
      }
    }
    const result = await this.config.store.discover({ namespace: ns === '' ? undefined : ns, after, limit })
    const live = result.registrations.filter(r => r.expiresAt > now)
    const fitted = this.fit(live, r => Math.ceil((r.expiresAt - now) / 1000))
    // resume after the last registration sent; when the response was cut short, that is before result.position
    const position = fitted.length < live.length ? fitted[fitted.length - 1]?.[0].position ?? after : result.position
    return {
      type: 'DISCOVER_RESPONSE',
      status: Status.OK,
      statusText: '',
      registrations: fitted.map(([, wire]) => wire),
      cookie: mintCookie(this.config.cookieSecret, ns, position)
    }
  }

  /** Keep as many registrations, in order, as fit in one response frame */
  private fit (registrations: Registration[], ttl: (r: Registration) => number): Array<[Registration, WireRegistration]> {
    const out: Array<[Registration, WireRegistration]> = []
    let bytes = DISCOVER_RESPONSE_OVERHEAD
    for (const r of registrations) {
      bytes += r.signedPeerRecord.byteLength + utf8Bytes(r.namespace) + REGISTRATION_OVERHEAD
      if (bytes > this.config.maxResponseBytes) {
        break
      }
      out.push([r, { ns: r.namespace, signedPeerRecord: r.signedPeerRecord, ttl: ttl(r) }])
    }
    return out
  }

  private async unregister (request: UnregisterMessage, remotePeer: PeerId): Promise<void> {
    const ns = request.ns
    if (ns === '' || utf8Bytes(ns) > MAX_NAMESPACE_BYTES) {
      // nothing can be registered there; UNREGISTER has no response to carry an error
      return
    }
    await this.config.store.remove(ns, remotePeer.toString())
  }
}
