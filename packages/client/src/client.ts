import { serviceCapabilities } from '@libp2p/interface'
import { CODE_P2P } from '@multiformats/multiaddr'
import { DEFAULT_MAX_RESPONSE_BYTES, encodeMessageFrame, RECORD_FORMATS, sealPeerRecord, Status } from '@rendezvous/codec'
import { setMaxListeners, TypedEventEmitter } from 'main-event'
import { ADDRESS_CHANGE_DEBOUNCE, DEFAULT_DISCOVER_LIMIT, DEFAULT_REQUEST_TIMEOUT, MAX_DISCOVER_PAGES, UNREGISTER_ON_STOP_TIMEOUT } from './constants.ts'
import { UnsendableNamespaceError, NoAddressesToRegisterError, NoAnswerError, PointUnreachableError, RendezvousProtocolError, RendezvousStatusError, RendezvousTimeoutError, UnknownPointError } from './errors.ts'
import { readFrame, wrapCodecError, writeBytes } from './exchange.ts'
import { followAt } from './follow.ts'
import { DEFAULT_DIALECTS, parsePoint, resolveDialect } from './point.ts'
import { RefreshSchedule } from './timing.ts'
import { verifyRegistrations } from './verify.ts'
import type { FollowBatch, FollowOptions } from './follow.ts'
import type { Point, PointInput } from './point.ts'
import type { RefreshOptions } from './timing.ts'
import type { DiscoveredRegistration } from './verify.ts'
import type { AbortOptions, ComponentLogger, Libp2pEvents, Logger, PeerId, PeerStore, PrivateKey, Startable, Stream, TypedEventTarget } from '@libp2p/interface'
import type { AddressManager, ConnectionManager } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Dialect, RecordFormat, RendezvousRequest, RendezvousResponse } from '@rendezvous/codec'

/** What the client needs from libp2p */
export interface RendezvousClientComponents {
  peerId: PeerId
  privateKey: PrivateKey
  addressManager: AddressManager
  connectionManager: ConnectionManager
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/** Options of {@link rendezvousClient} */
export interface RendezvousClientInit {
  /** The rendezvous points to use, in order of preference */
  points?: PointInput[]
  /**
   * Dialects to negotiate with points that have none configured, most preferred first: values, names or
   * protocol IDs (default: every dialect of the codec's registry `DIALECTS`, in its order)
   */
  dialects?: Array<Dialect | string>
  /** Milliseconds one request (dial, negotiation, request and response) may take (default 10 000) */
  timeout?: number
  /** Largest response frame accepted, in bytes (default 4 MiB) */
  maxResponseBytes?: number
  /** When registrations are renewed and how failures are retried */
  refresh?: RefreshOptions
  /**
   * Which of the node's addresses go into the registered peer record (default: all of them, relay
   * addresses included). A node with no public address can keep only its `/p2p-circuit` addresses.
   */
  addressFilter?(address: Multiaddr): boolean
  /** Linger this many milliseconds for a point to close a finished stream before resetting it (default 5 000) */
  streamLinger?: number
}

/** Options of {@link RendezvousClient.register} */
export interface RegisterOptions extends AbortOptions {
  /** Requested TTL in seconds (default: the point's default: 2 h on `/rendezvous/1.0.0`, 60 s on nwaku's `/vac/waku/rendezvous/1.0.0`, 20 s on 0.0.1) */
  ttl?: number
  /** Register at these points only (default: every configured point) */
  points?: PointInput[]
}

/** The result of registering at one point */
export interface RegistrationOutcome {
  /** The point */
  point: PeerId
  /** The protocol spoken with it, when a stream was opened */
  protocol?: string
  /** Granted TTL in seconds, on success */
  ttl?: number
  /** Why it failed; the registration is retried with backoff unless the point rejected it for good */
  error?: Error
}

/** Options of {@link RendezvousClient.unregister} */
export interface UnregisterOptions extends AbortOptions {
  /** Send UNREGISTER to points that support it (default true); `false` only stops refreshing */
  notify?: boolean
  /** Send it only to points that granted the registration (default false: to every point) */
  granted?: boolean
}

/** The result of unregistering at one point */
export interface UnregisterOutcome {
  point: PeerId
  /** Whether an UNREGISTER was sent (0.0.1 has none: the registration just expires) */
  sent: boolean
  error?: Error
}

/** Options of {@link RendezvousClient.discover} */
export interface DiscoverOptions extends AbortOptions {
  /** Most registrations to return (default: the point's default, 1000 at most) */
  limit?: number
  /** Continue after a previous response (1.0.0 only; ignored by 0.0.1 points) */
  cookie?: Uint8Array
  /** Ask this point (default: the configured points in order, the next one when a point cannot be reached) */
  point?: PointInput
}

/** Options of {@link RendezvousClient.discoverAll} */
export interface DiscoverAllOptions extends AbortOptions {
  /** Registrations per page (default 1000) */
  limit?: number
  /** Ask this point (default: the first configured point) */
  point?: PointInput
  /**
   * Continue from the cookie the last `discoverAll` of this namespace at this point ended with, so only
   * registrations made since are returned (default false: every registration)
   */
  resume?: boolean
}

/** The answer to one DISCOVER */
export interface DiscoverResult {
  /** Verified registrations; the ones that failed verification are counted in `stats` */
  registrations: DiscoveredRegistration[]
  /** Pass it back to receive only later registrations; absent when the point gave none */
  cookie?: Uint8Array
  /** The point that answered */
  point: PeerId
  /** The protocol spoken with it */
  protocol: string
}

/** Counters of what the client received and refused */
export interface RendezvousClientStats {
  /** Requests sent */
  requests: number
  /** Requests that failed (timeouts, unreachable points, protocol errors, error statuses excluded) */
  failedRequests: number
  /** Responses thrown away whole: garbage, over-size or truncated frames, wrong message types */
  droppedResponses: number
  /** Registrations dropped because their record did not verify or was for another namespace */
  droppedRecords: number
  /** `droppedRecords` by reason: the codec error's name (`InvalidSignatureError`, …) or `NamespaceMismatch` */
  droppedRecordsByReason: Record<string, number>
}

/** The state of one registration at one point, as {@link RendezvousClient.getRegistrations} reports it */
export interface RegistrationStatus {
  namespace: string
  point: PeerId
  /** The TTL the point granted last time, in seconds */
  ttl?: number
  /** When the last granted TTL runs out (ms since the epoch) */
  expires?: number
  /** When the next refresh or retry is due (ms since the epoch); absent when none is scheduled */
  nextAttempt?: number
  /** Consecutive failures */
  failures: number
  lastError?: Error
}

/** Events of the client */
export interface RendezvousClientEvents {
  /** A registration (or its refresh) succeeded */
  registration: CustomEvent<{ namespace: string, point: PeerId, ttl: number }>
  /** A registration (or its refresh) failed */
  'registration:error': CustomEvent<{ namespace: string, point: PeerId, error: Error }>
}

class PointRegistration {
  readonly point: Point
  generation = 0
  failures = 0
  ttl?: number
  expires?: number
  nextAttempt?: number
  lastError?: Error
  timer?: ReturnType<typeof setTimeout>

  constructor (point: Point) {
    this.point = point
  }

  cancel (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.nextAttempt = undefined
    this.generation++
  }
}

interface NamespaceRegistration {
  namespace: string
  ttl?: number
  points: Map<string, PointRegistration>
}

interface SealedRecord {
  key: string
  bytes: Uint8Array
}

interface PageResult extends DiscoverResult {
  /** Registrations in the response before verification */
  received: number
}

function sameBytes (a: Uint8Array, b?: Uint8Array): boolean {
  return b != null && a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])
}

const textEncoder = new TextEncoder()
const ACCEPTED_FORMATS = RECORD_FORMATS.map(f => f.name)

/**
 * The rendezvous client service: registers this node at rendezvous points and keeps the
 * registrations alive, and discovers the peers registered there, verifying every record.
 */
export class RendezvousClient extends TypedEventEmitter<RendezvousClientEvents> implements Startable {
  readonly [Symbol.toStringTag] = '@rendezvous/client'
  readonly [serviceCapabilities]: string[] = ['@rendezvous/client']

  private readonly components: RendezvousClientComponents
  private readonly log: Logger
  private readonly dialects: readonly Dialect[]
  private readonly configuredPoints: Point[]
  private readonly timeout: number
  private readonly maxResponseBytes: number
  private readonly schedule: RefreshSchedule
  private readonly addressFilter: (address: Multiaddr) => boolean
  private readonly streamLinger: number
  private readonly registrations = new Map<string, NamespaceRegistration>()
  private readonly cookies = new Map<string, Map<string, Uint8Array>>()
  private readonly counters: RendezvousClientStats = { requests: 0, failedRequests: 0, droppedResponses: 0, droppedRecords: 0, droppedRecordsByReason: {} }
  /** This node's record per format, sealed again only when its addresses change */
  private readonly sealed = new Map<RecordFormat, SealedRecord>()
  private addressesKey?: string
  private addressTimer?: ReturnType<typeof setTimeout>
  private started = false

  constructor (components: RendezvousClientComponents, init: RendezvousClientInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('rendezvous:client')
    this.dialects = init.dialects == null ? DEFAULT_DIALECTS : init.dialects.map(d => resolveDialect(d))
    this.configuredPoints = (init.points ?? []).map(p => parsePoint(p, this.dialects))
    this.timeout = init.timeout ?? DEFAULT_REQUEST_TIMEOUT
    this.maxResponseBytes = init.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    this.schedule = new RefreshSchedule(init.refresh)
    this.addressFilter = init.addressFilter ?? (() => true)
    this.streamLinger = init.streamLinger ?? 5_000
    this.onSelfUpdate = this.onSelfUpdate.bind(this)
  }

  /** The configured points' peer IDs, in order of preference */
  get points (): PeerId[] {
    return this.configuredPoints.map(p => p.peerId)
  }

  /** A snapshot of the counters */
  get stats (): RendezvousClientStats {
    return { ...this.counters, droppedRecordsByReason: { ...this.counters.droppedRecordsByReason } }
  }

  isStarted (): boolean {
    return this.started
  }

  start (): void {
    this.started = true
    this.components.events.addEventListener('self:peer:update', this.onSelfUpdate)
    // registrations asked for before start are kept alive from now on
    for (const registration of this.registrations.values()) {
      for (const entry of registration.points.values()) {
        if (entry.timer == null) {
          this.scheduleAttempt(registration, entry, entry.ttl == null ? 0 : this.schedule.refreshDelay(entry.ttl))
        }
      }
    }
  }

  /**
   * Before libp2p closes its connections: send UNREGISTER for every namespace this node keeps
   * registered, at the points whose dialect has it, waiting at most {@link UNREGISTER_ON_STOP_TIMEOUT} ms
   */
  async beforeStop (): Promise<void> {
    await this.unregisterAll()
  }

  /**
   * Stop keeping registrations alive. What {@link beforeStop} has not unregistered yet (when the client
   * is stopped on its own, outside libp2p) is unregistered first, within the same bound.
   */
  async stop (): Promise<void> {
    await this.unregisterAll()
    this.started = false
    this.components.events.removeEventListener('self:peer:update', this.onSelfUpdate)
    clearTimeout(this.addressTimer)
    for (const registration of this.registrations.values()) {
      for (const entry of registration.points.values()) {
        entry.cancel()
      }
    }
    this.registrations.clear()
  }

  private async unregisterAll (): Promise<void> {
    if (this.registrations.size === 0) {
      return
    }
    const signal = AbortSignal.timeout(UNREGISTER_ON_STOP_TIMEOUT)
    await Promise.all([...this.registrations.keys()].map(async namespace => {
      await this.unregister(namespace, { signal, granted: true }).catch(() => {})
    }))
  }

  /**
   * Register this node under `namespace` at the configured points (or `options.points`), and keep the
   * registrations alive until {@link unregister} or `stop()`. Point failures do not reject: each point's
   * outcome says what it granted or why it failed, and failed points are retried with backoff.
   *
   * @throws {UnsendableNamespaceError} for an empty namespace
   * @throws {UnknownPointError} when there is no point to register at
   * @throws {InvalidPointError} for a malformed `options.points` entry
   */
  async register (namespace: string, options: RegisterOptions = {}): Promise<RegistrationOutcome[]> {
    if (namespace === '') {
      throw new UnsendableNamespaceError('cannot register under the empty namespace')
    }
    const points = this.pointsFor(options.points)
    let registration = this.registrations.get(namespace)
    if (registration == null) {
      registration = { namespace, points: new Map() }
      this.registrations.set(namespace, registration)
    }
    registration.ttl = options.ttl
    const entries = points.map(point => {
      const known = registration.points.get(point.key)
      if (known != null) {
        return known
      }
      const entry = new PointRegistration(point)
      registration.points.set(point.key, entry)
      return entry
    })
    return Promise.all(entries.map(async entry => this.registerAt(registration, entry, options)))
  }

  /**
   * Stop keeping `namespace` registered. On `/rendezvous/1.0.0` points UNREGISTER is sent (it has no
   * answer); `/vac/waku/rendezvous/0.0.1` has none, so there the registration simply expires.
   */
  async unregister (namespace: string, options: UnregisterOptions = {}): Promise<UnregisterOutcome[]> {
    const registration = this.registrations.get(namespace)
    if (registration == null) {
      return []
    }
    this.registrations.delete(namespace)
    const entries = [...registration.points.values()]
    entries.forEach(entry => { entry.cancel() })
    if (options.notify === false) {
      return entries.map(entry => ({ point: entry.point.peerId, sent: false }))
    }
    return Promise.all(entries.map(async (entry): Promise<UnregisterOutcome> => {
      if (entry.point.knownDialect?.features.unregister === false || (options.granted === true && entry.ttl == null)) {
        return { point: entry.point.peerId, sent: false }
      }
      try {
        const { sent } = await this.request(entry.point, d => d.features.unregister ? { type: 'UNREGISTER', ns: namespace } : undefined, undefined, options)
        return { point: entry.point.peerId, sent }
      } catch (err: any) {
        return { point: entry.point.peerId, sent: false, error: err }
      }
    }))
  }

  /** The registrations being kept alive, one entry per (namespace, point) */
  getRegistrations (): RegistrationStatus[] {
    return [...this.registrations.values()].flatMap(registration => [...registration.points.values()].map(entry => ({
      namespace: registration.namespace,
      point: entry.point.peerId,
      ttl: entry.ttl,
      expires: entry.expires,
      nextAttempt: entry.nextAttempt,
      failures: entry.failures,
      lastError: entry.lastError
    })))
  }

  /**
   * Ask a point for the registrations under `namespace` (the empty namespace means every namespace, in
   * 1.0.0). Every record is opened and verified here; records that fail are dropped and counted.
   * E_INVALID_NAMESPACE, which some points answer for an unknown namespace, is "no peers".
   *
   * @throws {RendezvousStatusError} when the point answers another error status
   * @throws {RendezvousTimeoutError | RendezvousProtocolError | PointUnreachableError} when no point answers usefully
   * @throws {InvalidPointError | UnknownPointError} for a malformed `options.point`, or no point at all
   */
  async discover (namespace: string, options: DiscoverOptions = {}): Promise<DiscoverResult> {
    const points = options.point != null ? [this.pointFor(options.point)] : this.pointsFor()
    let lastError: Error | undefined
    for (const point of points) {
      try {
        const { received, ...result } = await this.discoverAt(point, namespace, options)
        return result
      } catch (err: any) {
        if (err instanceof RendezvousStatusError || err instanceof UnsendableNamespaceError || options.signal?.aborted === true) {
          throw err
        }
        this.log('discover at %s failed - %e', point, err)
        lastError = err
      }
    }
    throw lastError ?? new UnknownPointError('no rendezvous point is configured')
  }

  /**
   * Every registration under `namespace` at one point, page by page (cookies in 1.0.0; 0.0.1 has none and
   * returns one page), until a page comes back empty or without a new cookie. The last cookie is kept per
   * (point, namespace), so `resume: true` yields only the registrations made since the last call.
   */
  async * discoverAll (namespace: string, options: DiscoverAllOptions = {}): AsyncGenerator<DiscoveredRegistration, void, undefined> {
    const point = options.point != null ? this.pointFor(options.point) : this.pointsFor()[0]
    const limit = options.limit ?? DEFAULT_DISCOVER_LIMIT
    let cookie = options.resume === true ? this.cookies.get(point.key)?.get(namespace) : undefined

    for (let page = 0; page < MAX_DISCOVER_PAGES; page++) {
      let result: PageResult
      try {
        result = await this.discoverAt(point, namespace, { limit, cookie, signal: options.signal })
      } catch (err: any) {
        if (err instanceof RendezvousStatusError && err.status === Status.E_INVALID_COOKIE && cookie != null) {
          // the point forgot our position (a restart, an expired cookie): start over
          this.cookies.get(point.key)?.delete(namespace)
          cookie = undefined
          continue
        }
        throw err
      }
      if (result.cookie != null) {
        let byNamespace = this.cookies.get(point.key)
        if (byNamespace == null) {
          byNamespace = new Map()
          this.cookies.set(point.key, byNamespace)
        }
        byNamespace.set(namespace, result.cookie)
      }
      yield * result.registrations
      // a short page is not proof of the end: the point may cap the limit below ours. Only an empty page
      // is, or a point that gives no (new) cookie to go on with
      if (point.knownDialect?.features.cookies !== true || result.received === 0 || result.cookie == null || sameBytes(result.cookie, cookie)) {
        return
      }
      cookie = result.cookie
    }
  }

  private async discoverAt (point: Point, namespace: string, options: { limit?: number, cookie?: Uint8Array } & AbortOptions): Promise<PageResult> {
    const { response, dialect } = await this.request(point, d => {
      this.checkNamespace(namespace, d)
      // every format the client reads, so the point serves them all (a field other points skip)
      return { type: 'DISCOVER', ns: namespace, limit: options.limit, cookie: d.features.cookies ? options.cookie : undefined, acceptFormats: ACCEPTED_FORMATS }
    }, 'DISCOVER_RESPONSE', options)
    if (response?.type !== 'DISCOVER_RESPONSE') {
      throw new RendezvousProtocolError('no DISCOVER_RESPONSE')
    }
    const cookie = dialect.features.cookies ? (response.cookie ?? options.cookie) : undefined
    if (response.status === Status.E_INVALID_NAMESPACE) {
      return { registrations: [], cookie, point: point.peerId, protocol: dialect.protocol, received: 0 }
    }
    if (response.status !== Status.OK) {
      throw new RendezvousStatusError(response.status, response.statusText, dialect.statusName(response.status))
    }
    const registrations = await verifyRegistrations(response.registrations, namespace, point.peerId, {
      signal: options.signal,
      onDrop: reason => {
        this.log('dropped a registration from %s: %s', point, reason)
        this.counters.droppedRecords++
        this.counters.droppedRecordsByReason[reason] = (this.counters.droppedRecordsByReason[reason] ?? 0) + 1
      }
    })
    return {
      registrations,
      cookie,
      point: point.peerId,
      protocol: dialect.protocol,
      received: response.registrations.length
    }
  }

  /**
   * Follow a namespace at a point (`''` for every namespace): batches of verified registrations, first what
   * the point holds (after `options.cookie`), then each one as the point stores it, local or federated,
   * until `options.signal` aborts, the caller stops iterating or the point ends the stream.
   *
   * @throws {FollowUnsupportedError} when the point does not speak `/rendezvous/follow/1.0.0`
   * @throws {InvalidPointError | UnknownPointError} for a malformed `options.point`, or no point at all
   */
  follow (namespace: string, options: FollowOptions = {}): AsyncGenerator<FollowBatch, void, undefined> {
    const point = options.point != null ? this.pointFor(options.point) : this.pointsFor()[0]
    return followAt({
      connectionManager: this.components.connectionManager,
      maxResponseBytes: this.maxResponseBytes,
      timeout: this.timeout,
      onDrop: reason => {
        this.log('dropped a followed registration from %s: %s', point, reason)
        this.counters.droppedRecords++
        this.counters.droppedRecordsByReason[reason] = (this.counters.droppedRecordsByReason[reason] ?? 0) + 1
      }
    }, point, namespace, options)
  }

  private async registerAt (registration: NamespaceRegistration, entry: PointRegistration, options: AbortOptions = {}): Promise<RegistrationOutcome> {
    entry.cancel()
    const generation = entry.generation
    const current = (): boolean => this.registrations.get(registration.namespace) === registration && entry.generation === generation
    const { namespace } = registration
    const point = entry.point
    let protocol: string | undefined

    try {
      const { response, dialect } = await this.registerOnce(point, namespace, registration.ttl, options)
      protocol = dialect.protocol
      if (response?.type !== 'REGISTER_RESPONSE') {
        throw new RendezvousProtocolError('no REGISTER_RESPONSE')
      }
      if (response.status !== Status.OK) {
        throw new RendezvousStatusError(response.status, response.statusText, dialect.statusName(response.status))
      }
      // a point that leaves the TTL out granted what was asked, or its default
      const ttl = response.ttl != null && response.ttl > 0 ? response.ttl : (registration.ttl ?? dialect.ttl.default)
      if (current()) {
        entry.failures = 0
        entry.lastError = undefined
        entry.ttl = ttl
        entry.expires = Date.now() + ttl * 1000
        this.scheduleAttempt(registration, entry, this.schedule.refreshDelay(ttl))
        this.safeDispatchEvent('registration', { detail: { namespace, point: point.peerId, ttl } })
      }
      return { point: point.peerId, protocol, ttl }
    } catch (err: any) {
      if (current()) {
        entry.failures++
        entry.lastError = err
        // a rejection for good waits for the next address change instead of hammering the point
        if (!(err instanceof RendezvousStatusError && err.permanent) && !(err instanceof UnsendableNamespaceError)) {
          this.scheduleAttempt(registration, entry, this.schedule.backoffDelay(entry.failures))
        }
        this.safeDispatchEvent('registration:error', { detail: { namespace, point: point.peerId, error: err } })
      }
      this.log('register %s at %s failed - %e', namespace, point, err)
      return { point: point.peerId, protocol, error: err }
    }
  }

  /**
   * One REGISTER, in the format the point takes. With `auto`, a point that resets the stream without a word
   * (a rust-libp2p point cannot read a standard record) is asked once more in the dialect's next format,
   * and that format is kept for the point when it answers.
   */
  private async registerOnce (point: Point, namespace: string, ttl: number | undefined, options: AbortOptions): Promise<{ response?: RendezvousResponse, dialect: Dialect }> {
    let format: RecordFormat | undefined
    const build = async (d: Dialect): Promise<RendezvousRequest> => {
      this.checkNamespace(namespace, d)
      format = point.formatFor(d)
      return { type: 'REGISTER', ns: namespace, signedPeerRecord: await this.ownRecord(format, options), ttl }
    }
    try {
      return await this.request(point, build, 'REGISTER_RESPONSE', options)
    } catch (err: any) {
      const dialect = point.knownDialect
      const next = dialect?.records.accepts.find(f => f !== format)
      if (!(err instanceof NoAnswerError) || point.recordFormat !== 'auto' || point.learnedFormat != null || dialect == null || next == null) {
        throw err
      }
      this.log('%s reset a REGISTER in the %s format; trying %s', point, format?.name, next.name)
      point.learnedFormat = next
      try {
        return await this.request(point, build, 'REGISTER_RESPONSE', options)
      } catch (retryErr: any) {
        point.learnedFormat = undefined
        throw retryErr
      }
    }
  }

  private scheduleAttempt (registration: NamespaceRegistration, entry: PointRegistration, delay: number): void {
    if (!this.started) {
      return
    }
    clearTimeout(entry.timer)
    entry.nextAttempt = Date.now() + delay
    // setTimeout holds at most 2^31 - 1 ms (24.8 days); TTLs end at 72 h
    entry.timer = setTimeout(() => {
      entry.timer = undefined
      void this.registerAt(registration, entry)
    }, Math.min(delay, 2 ** 31 - 1))
    entry.timer.unref?.()
  }

  private onSelfUpdate (): void {
    if (this.registrations.size === 0) {
      return
    }
    clearTimeout(this.addressTimer)
    this.addressTimer = setTimeout(() => {
      if (!this.started || this.addressKey(this.recordAddresses()) === this.addressesKey) {
        return
      }
      this.log('own addresses changed, registering again')
      for (const registration of this.registrations.values()) {
        for (const entry of registration.points.values()) {
          void this.registerAt(registration, entry)
        }
      }
    }, ADDRESS_CHANGE_DEBOUNCE)
    this.addressTimer.unref?.()
  }

  /** The node's addresses as they go into its record: without the trailing `/p2p/<own id>` */
  private recordAddresses (): Multiaddr[] {
    const self = this.components.peerId.toString()
    const seen = new Set<string>()
    const addresses: Multiaddr[] = []
    for (let address of this.components.addressManager.getAddresses()) {
      const last = address.getComponents().at(-1)
      if (last?.code === CODE_P2P && last.value === self) {
        address = address.decapsulateCode(CODE_P2P)
      }
      const key = address.toString()
      if (!seen.has(key) && this.addressFilter(address)) {
        seen.add(key)
        addresses.push(address)
      }
    }
    return addresses
  }

  private addressKey (addresses: Multiaddr[]): string {
    return addresses.map(a => a.toString()).sort().join(' ')
  }

  /** This node's signed peer record in one format, sealed again only when its addresses changed */
  private async ownRecord (format: RecordFormat, options: AbortOptions): Promise<Uint8Array> {
    const addresses = this.recordAddresses()
    if (addresses.length === 0) {
      throw new NoAddressesToRegisterError('this node has no address to register yet (listen on one, or reserve a relay slot)')
    }
    const key = this.addressKey(addresses)
    this.addressesKey = key
    let sealed = this.sealed.get(format)
    if (sealed?.key !== key) {
      sealed = { key, bytes: await sealPeerRecord(this.components.privateKey, addresses, { ...options, format }) }
      this.sealed.set(format, sealed)
    }
    return sealed.bytes
  }

  private checkNamespace (namespace: string, dialect: Dialect): void {
    const bytes = textEncoder.encode(namespace).byteLength
    if (bytes > dialect.limits.maxNamespaceBytes) {
      throw new UnsendableNamespaceError(`namespace of ${bytes} bytes is longer than the ${dialect.limits.maxNamespaceBytes} bytes ${dialect.protocol} allows`)
    }
  }

  private pointFor (input: PointInput): Point {
    const parsed = parsePoint(input, this.dialects)
    return this.configuredPoints.find(p => p.peerId.equals(parsed.peerId)) ?? parsed
  }

  private pointsFor (inputs?: PointInput[]): Point[] {
    const points = inputs == null ? this.configuredPoints : inputs.map(p => this.pointFor(p))
    if (points.length === 0) {
      throw new UnknownPointError('no rendezvous point is configured')
    }
    return points
  }

  /** The protocols to propose to a point, most likely first */
  private async protocolsFor (point: Point): Promise<Dialect[]> {
    if (point.dialect != null) {
      return [point.dialect]
    }
    let candidates = [...this.dialects]
    try {
      const peer = await this.components.peerStore.get(point.peerId)
      const supported = candidates.filter(d => peer.protocols.includes(d.protocol))
      if (supported.length > 0) {
        candidates = supported
      }
    } catch {
      // not in the peer store yet: negotiate
    }
    const negotiated = point.negotiated
    if (negotiated != null && candidates.includes(negotiated)) {
      candidates = [negotiated, ...candidates.filter(d => d !== negotiated)]
    }
    return candidates
  }

  /**
   * One request on a new stream. The write side stays open until the response has been read, and
   * whatever the point does with the stream after answering is ignored.
   */
  private async request (point: Point, build: (dialect: Dialect) => RendezvousRequest | undefined | Promise<RendezvousRequest | undefined>, expect: RendezvousResponse['type'] | undefined, options: AbortOptions): Promise<{ response?: RendezvousResponse, dialect: Dialect, sent: boolean }> {
    const timeout = AbortSignal.timeout(this.timeout)
    const signal = options.signal == null ? timeout : AbortSignal.any([timeout, options.signal])
    setMaxListeners(Infinity, signal)
    this.counters.requests++
    let stream: Stream | undefined

    try {
      const dialects = await this.protocolsFor(point)
      try {
        const connection = await this.components.connectionManager.openConnection(point.multiaddr ?? point.peerId, { signal })
        // a point reachable only through a circuit relay is on a limited connection; rendezvous
        // requests are small and short, well within a relay's limits (docs/browser.md)
        stream = await connection.newStream(dialects.map(d => d.protocol), { signal, runOnLimitedConnection: true })
      } catch (err: any) {
        if (signal.aborted) {
          throw err
        }
        point.negotiated = undefined
        throw new PointUnreachableError(`cannot open a rendezvous stream to ${point}: ${err.message}`, { cause: err })
      }
      const dialect = dialects.find(d => d.protocol === stream?.protocol) ?? dialects[0]
      point.negotiated = dialect

      const request = await build(dialect)
      if (request == null) {
        stream.abort(new Error('nothing to send'))
        return { dialect, sent: false }
      }
      await writeBytes(stream, encodeMessageFrame(dialect, request), signal)
      if (expect == null) {
        // UNREGISTER has no answer: flush it, then let the point close its side
        await stream.close({ signal })
        this.finish(stream)
        return { dialect, sent: true }
      }

      const frame = await readFrame(stream, this.maxResponseBytes, signal)
      let response
      try {
        response = dialect.decode(frame)
      } catch (err: any) {
        throw wrapCodecError(err, 'undecodable response')
      }
      if (response.type !== expect) {
        throw new RendezvousProtocolError(`expected ${expect} but the point sent ${response.type}`)
      }
      this.finish(stream)
      return { response, dialect, sent: true }
    } catch (err: any) {
      stream?.abort(err)
      this.counters.failedRequests++
      if (options.signal?.aborted === true) {
        throw options.signal.reason
      }
      if (timeout.aborted) {
        throw new RendezvousTimeoutError(`rendezvous point ${point} did not answer within ${this.timeout} ms`)
      }
      if (err instanceof RendezvousProtocolError) {
        this.counters.droppedResponses++
      }
      throw err
    }
  }

  /** Close our side after the answer; reset a stream the point leaves open */
  private finish (stream: Stream): void {
    const linger = setTimeout(() => { stream.abort(new Error('the point did not close the stream')) }, this.streamLinger)
    linger.unref?.()
    stream.addEventListener('close', () => { clearTimeout(linger) }, { once: true })
    stream.close({ signal: AbortSignal.timeout(this.streamLinger) }).catch(err => {
      // a reset after the answer is how Go points end every exchange: not an error
      stream.abort(err)
    })
  }
}
