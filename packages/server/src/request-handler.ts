import { Status } from '@rendezvous/codec'
import { MAX_NAMESPACE_BYTES, RegistrationLimitError } from '@rendezvous/store'
import { DISCOVER_RESPONSE_OVERHEAD, INTERNAL_ERROR_TEXT, REGISTRATION_OVERHEAD } from './constants.ts'
import { mintCookie, openCookie } from './cookie.ts'
import { DiscoverBudget } from './discover-budget.ts'
import type { ServerConfig } from './config.ts'
import type { RegistrationEvents } from './federation-events.ts'
import type { RequesterFormats } from './requester-formats.ts'
import type { EnvelopeVerifier, VerifiedEnvelope } from './verification-cache.ts'
import type { Logger, PeerId } from '@libp2p/interface'
import type {
  Dialect, DiscoverMessage, DiscoverResponseMessage, RegisterMessage, RegisterResponseMessage, RendezvousRequest,
  RendezvousResponse, StatusCode, TtlPolicy, UnregisterMessage, Registration as WireRegistration
} from '@rendezvous/codec'
import type { Registration, UpsertOptions } from '@rendezvous/store'

const encoder = new TextEncoder()

/** Bytes of UTF-8 of a string: its length when it is ASCII (namespaces nearly always are), without encoding it */
function utf8Bytes (s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      return encoder.encode(s).byteLength
    }
  }
  return s.length
}

function refuse (status: StatusCode, statusText: string): RegisterResponseMessage {
  return { type: 'REGISTER_RESPONSE', status, statusText }
}

/** The TTL to grant, or `undefined` when the requested one is outside the window */
function grantedTtl (dialect: Dialect, window: Readonly<TtlPolicy>, requested: number | undefined): number | undefined {
  if (requested == null || (requested === 0 && dialect.ttl.zero === 'default')) {
    return window.default
  }
  return requested < window.min || requested > window.max ? undefined : requested
}

function emptyPage (dialect: Dialect, cookie?: Uint8Array): DiscoverResponseMessage {
  return { type: 'DISCOVER_RESPONSE', status: Status.OK, statusText: '', registrations: [], cookie: dialect.features.cookies ? cookie : undefined }
}

/**
 * The protocol logic, free of streams: one request of one dialect from one remote peer in, the response
 * (or none, for UNREGISTER) out. Everything that differs between dialects is read from the dialect value.
 * Never throws for anything a peer sends; a failing store gives E_INTERNAL_ERROR with a generic text and a
 * log line.
 */
export class RequestHandler {
  private readonly config: ServerConfig
  private readonly verifier: EnvelopeVerifier
  private readonly requesters: RequesterFormats
  private readonly log: Logger
  private readonly budget: DiscoverBudget
  /** DISCOVERs cut short or refused because the peer was over its answer-byte budget */
  budgetLimited = 0
  /** Unexpected failures (store errors) answered with E_INTERNAL_ERROR */
  internalErrors = 0
  /** Told of every accepted REGISTER and carried-out UNREGISTER (federation, followers) */
  registrationEvents?: RegistrationEvents
  /** The store's limits for a REGISTER of each dialect: the same object for every request */
  private readonly upsertLimits = new Map<Dialect, UpsertOptions>()

  constructor (config: ServerConfig, verifier: EnvelopeVerifier, requesters: RequesterFormats, log: Logger) {
    this.config = config
    this.verifier = verifier
    this.requesters = requesters
    this.log = log
    this.budget = new DiscoverBudget(config.discoverBytesPerSecond, config.discoverBurstBytes, config.clock)
  }

  async handle (dialect: Dialect, request: RendezvousRequest, remotePeer: PeerId): Promise<RendezvousResponse | undefined> {
    try {
      switch (request.type) {
        case 'REGISTER':
          return await this.register(dialect, request, remotePeer)
        case 'DISCOVER':
          return await this.discover(dialect, request, remotePeer)
        case 'UNREGISTER':
          await this.unregister(dialect, request, remotePeer)
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

  /** The TTL window of a dialect at this point: the operator's where the dialect lets the operator set it */
  ttlWindow (dialect: Dialect): Readonly<TtlPolicy> {
    return dialect.ttl.adjustable ? this.config.ttl : dialect.ttl
  }

  private async register (dialect: Dialect, request: RegisterMessage, remotePeer: PeerId): Promise<RegisterResponseMessage> {
    const { texts, limits } = dialect

    const ns = request.ns
    if (ns === '') {
      return refuse(Status.E_INVALID_NAMESPACE, texts.emptyNamespace)
    }
    const nsBytes = utf8Bytes(ns)
    if (nsBytes > limits.maxNamespaceBytes) {
      return refuse(Status.E_INVALID_NAMESPACE, texts.longNamespace(limits.maxNamespaceBytes))
    }
    const signedPeerRecord = request.signedPeerRecord
    if (signedPeerRecord == null) {
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.missingRecord)
    }
    if (signedPeerRecord.byteLength > this.config.maxRecordBytes) {
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.invalidRecord(`record is longer than ${this.config.maxRecordBytes} bytes`))
    }

    let record: VerifiedEnvelope
    try {
      record = await this.verifier.verify(signedPeerRecord)
    } catch (err: any) {
      // the input is the peer's alone, so any failure to open it is the peer's fault
      this.log.trace('%s REGISTER from %p: bad envelope - %e', dialect.name, remotePeer, err)
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.invalidRecord(err.message))
    }
    if (!dialect.records.accepts.includes(record.format)) {
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.invalidRecord(`${dialect.protocol} does not carry ${record.format.name} records`))
    }
    // runs on every request, cached or not: a cached envelope proves who signed it, not who sent it
    if (!record.peerId.equals(remotePeer)) {
      return refuse(dialect.peerMismatchStatus, texts.peerMismatch)
    }
    if (record.addressCount === 0) {
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.noAddresses)
    }
    if (record.addressBytes > limits.maxPeerAddressBytes) {
      return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, texts.longAddresses(limits.maxPeerAddressBytes))
    }

    const window = this.ttlWindow(dialect)
    const ttl = grantedTtl(dialect, window, request.ttl)
    if (ttl == null) {
      return refuse(Status.E_INVALID_TTL, texts.badTtl(window.min, window.max))
    }

    if (nsBytes > MAX_NAMESPACE_BYTES) {
      // a 256-byte namespace is valid in 0.0.1 but no store keeps more than 255 bytes
      return refuse(Status.E_INVALID_NAMESPACE, texts.longNamespace(limits.maxNamespaceBytes))
    }

    const peer = remotePeer.toString()
    const now = this.config.clock()
    let stored: Registration
    try {
      // the store checks both limits and writes in one atomic step, so racing REGISTERs cannot pass a limit
      stored = await this.config.store.upsert({
        namespace: ns, peerId: peer, signedPeerRecord, ttl, registeredAt: now, expiresAt: now + ttl * 1000, format: record.format.name
      }, this.limitsFor(dialect))
    } catch (err: any) {
      if (err instanceof RegistrationLimitError) {
        return err.limit === 'peer' ? refuse(Status.E_NOT_AUTHORIZED, texts.perPeerLimit) : refuse(Status.E_UNAVAILABLE, texts.globalLimit)
      }
      throw err
    }
    this.requesters.noteRegistered(peer, record.format.name)
    this.registrationEvents?.registered(stored, dialect)
    return { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl }
  }

  private limitsFor (dialect: Dialect): UpsertOptions {
    let limits = this.upsertLimits.get(dialect)
    if (limits == null) {
      limits = Object.freeze({
        maxRegistrationsPerPeer: Math.min(this.config.maxRegistrationsPerPeer, dialect.limits.maxRegistrationsPerPeer),
        maxRegistrations: this.config.maxRegistrations
      })
      this.upsertLimits.set(dialect, limits)
    }
    return limits
  }

  /** How many registrations a DISCOVER asks for, within what the point and the dialect allow */
  private limitOf (dialect: Dialect, requested: number | undefined): number {
    const max = Math.min(this.config.maxDiscoverLimit, dialect.limits.maxDiscoverLimit)
    if (requested === 0 && dialect.discovery.zeroLimit === 'none') {
      return 0
    }
    // absent, 0, negative (0.0.1 has signed limits) or over the maximum: as many as allowed
    return requested != null && requested > 0 && requested < max ? requested : max
  }

  private async discover (dialect: Dialect, request: DiscoverMessage, remotePeer: PeerId): Promise<DiscoverResponseMessage> {
    const ns = request.ns
    const nsBytes = utf8Bytes(ns)
    if (nsBytes > dialect.limits.maxNamespaceBytes) {
      return { type: 'DISCOVER_RESPONSE', status: Status.E_INVALID_NAMESPACE, statusText: dialect.texts.longNamespace(dialect.limits.maxNamespaceBytes), registrations: [] }
    }

    let after = 0
    if (dialect.features.cookies && request.cookie != null) {
      try {
        after = openCookie(this.config.cookieSecret, ns, request.cookie)
      } catch {
        return { type: 'DISCOVER_RESPONSE', status: Status.E_INVALID_COOKIE, statusText: dialect.texts.invalidCookie, registrations: [] }
      }
    }
    if ((ns === '' && !dialect.features.discoverAllNamespaces) || nsBytes > MAX_NAMESPACE_BYTES) {
      // nothing can be registered under these
      return emptyPage(dialect, mintCookie(this.config.cookieSecret, ns, after))
    }

    const limit = this.limitOf(dialect, request.limit)
    const formats = await this.requesters.served(dialect, request, remotePeer)
    const now = this.config.clock()
    const ttlOf = dialect.discovery.ttl === 'granted'
      ? (r: Registration) => r.ttl
      : (r: Registration) => Math.ceil((r.expiresAt - now) / 1000)

    const peer = remotePeer.toString()
    const budget = this.budget.available(peer)
    const page = async (live: Registration[]): Promise<Array<[Registration, WireRegistration]> | DiscoverResponseMessage> => {
      const { fitted, bytes } = this.fit(live, ttlOf, Math.min(this.config.maxResponseBytes, budget))
      if (fitted.length < live.length && bytes > 0 && budget < this.config.maxResponseBytes) {
        this.budgetLimited++
      }
      if (fitted.length === 0 && live.length > 0 && budget < this.config.maxResponseBytes) {
        return { type: 'DISCOVER_RESPONSE', status: Status.E_UNAVAILABLE, statusText: dialect.texts.discoverRateLimited, registrations: [] }
      }
      this.budget.spend(peer, bytes)
      return fitted
    }

    if (dialect.discovery.mode === 'sample') {
      const sample = await this.config.store.sample(ns, limit, { formats })
      const fitted = await page(sample.filter(r => r.expiresAt > now))
      if (!Array.isArray(fitted)) {
        return fitted
      }
      return { type: 'DISCOVER_RESPONSE', status: Status.OK, statusText: '', registrations: fitted.map(([, wire]) => wire) }
    }

    const result = await this.config.store.discover({ namespace: ns === '' ? undefined : ns, after, limit, formats })
    const live = result.registrations.filter(r => r.expiresAt > now)
    const fitted = await page(live)
    if (!Array.isArray(fitted)) {
      return fitted
    }
    // resume after the last registration sent; when the response was cut short, that is before result.position
    const position = fitted.length < live.length ? fitted[fitted.length - 1]?.[0].position ?? after : result.position
    return {
      type: 'DISCOVER_RESPONSE',
      status: Status.OK,
      statusText: '',
      registrations: fitted.map(([, wire]) => wire),
      cookie: dialect.features.cookies ? mintCookie(this.config.cookieSecret, ns, position) : undefined
    }
  }

  /** Keep as many registrations, in order, as fit in `maxBytes` of answer; `bytes` is what they take */
  private fit (registrations: Registration[], ttl: (r: Registration) => number, maxBytes: number): { fitted: Array<[Registration, WireRegistration]>, bytes: number } {
    const fitted: Array<[Registration, WireRegistration]> = []
    let bytes = DISCOVER_RESPONSE_OVERHEAD
    for (const r of registrations) {
      const next = bytes + r.signedPeerRecord.byteLength + utf8Bytes(r.namespace) + REGISTRATION_OVERHEAD
      if (next > maxBytes) {
        break
      }
      bytes = next
      fitted.push([r, { ns: r.namespace, signedPeerRecord: r.signedPeerRecord, ttl: ttl(r) }])
    }
    return { fitted, bytes }
  }

  private async unregister (dialect: Dialect, request: UnregisterMessage, remotePeer: PeerId): Promise<void> {
    const ns = request.ns
    if (ns === '') {
      if (dialect.unregisterEmptyNamespace === 'all' && await this.config.store.removePeer(remotePeer.toString()) > 0) {
        this.registrationEvents?.unregistered('', remotePeer.toString(), this.config.clock(), dialect)
      }
      return
    }
    if (utf8Bytes(ns) > MAX_NAMESPACE_BYTES) {
      // nothing can be registered there; UNREGISTER has no response to carry an error
      return
    }
    if (await this.config.store.remove(ns, remotePeer.toString())) {
      this.registrationEvents?.unregistered(ns, remotePeer.toString(), this.config.clock(), dialect)
    }
  }
}
