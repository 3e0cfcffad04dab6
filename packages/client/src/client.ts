import { serviceCapabilities } from '@libp2p/interface'
import { DEFAULT_MAX_RESPONSE_BYTES, RECORD_FORMATS, Status } from '@rendezvous/codec'
import { TypedEventEmitter } from 'main-event'
import { DEFAULT_DISCOVER_LIMIT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_STREAM_LINGER } from './constants.ts'
import { CookieJar } from './cookie-jar.ts'
import { RendezvousProtocolError, RendezvousStatusError, UnknownPointError, UnsendableNamespaceError } from './errors.ts'
import { RequestExchange } from './exchange.ts'
import { followAt } from './follow.ts'
import { checkNamespace } from './namespace.ts'
import { OwnRecordSealer } from './own-record.ts'
import { DEFAULT_DIALECTS, parsePoint, resolveDialect } from './point.ts'
import { RefreshSchedule } from './refresh-schedule.ts'
import { RegistrationKeeper } from './registration-keeper.ts'
import { Counters } from './stats.ts'
import { realTimers } from './time.ts'
import { verifyRegistrations } from './verify.ts'
import type { Page } from './cookie-jar.ts'
import type { FollowBatch, FollowOptions } from './follow.ts'
import type { Point, PointInput } from './point.ts'
import type { RefreshOptions } from './refresh-schedule.ts'
import type { RegisterOptions, RegistrationOutcome, RegistrationStatus, RendezvousClientEvents, UnregisterOptions, UnregisterOutcome } from './registration-keeper.ts'
import type { RendezvousClientStats } from './stats.ts'
import type { Timers } from './time.ts'
import type { DiscoveredRegistration } from './verify.ts'
import type { AbortOptions, ComponentLogger, Libp2pEvents, Logger, PeerId, PeerStore, PrivateKey, Startable, TypedEventTarget } from '@libp2p/interface'
import type { AddressManager, ConnectionManager } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Dialect } from '@rendezvous/codec'

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
  /** Milliseconds since the epoch (default `Date.now`); tests pass a manual clock, with its {@link RendezvousClientInit.timers} */
  clock?(): number
  /** The timers refreshes, retries, request timeouts and polls are scheduled on (default: the platform's) */
  timers?: Timers
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
  /** Verified registrations; the ones that failed verification are counted in `stats()` */
  registrations: DiscoveredRegistration[]
  /** Pass it back to receive only later registrations; absent when the point gave none */
  cookie?: Uint8Array
  /** The point that answered */
  point: PeerId
  /** The protocol spoken with it */
  protocol: string
}

type PageResult = DiscoverResult & Page

const ACCEPTED_FORMATS = RECORD_FORMATS.map(f => f.name)

/**
 * The rendezvous client service: registers this node at rendezvous points and keeps the
 * registrations alive, and discovers the peers registered there, verifying every record.
 * It composes the request exchange, the registration keeper, the cookie jar and the own-record sealer.
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
  private readonly timers: Timers
  private readonly counters = new Counters()
  private readonly exchange: RequestExchange
  private readonly keeper: RegistrationKeeper
  private readonly cookieJar = new CookieJar()
  private started = false

  constructor (components: RendezvousClientComponents, init: RendezvousClientInit = {}) {
    super()
    this.components = components
    this.log = components.logger.forComponent('rendezvous:client')
    this.dialects = init.dialects == null ? DEFAULT_DIALECTS : init.dialects.map(d => resolveDialect(d))
    this.configuredPoints = (init.points ?? []).map(p => parsePoint(p, this.dialects))
    this.timeout = init.timeout ?? DEFAULT_REQUEST_TIMEOUT
    this.maxResponseBytes = init.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    this.timers = init.timers ?? realTimers
    this.exchange = new RequestExchange({
      connectionManager: components.connectionManager,
      peerStore: components.peerStore,
      dialects: this.dialects,
      timeout: this.timeout,
      maxResponseBytes: this.maxResponseBytes,
      streamLinger: init.streamLinger ?? DEFAULT_STREAM_LINGER,
      timers: this.timers,
      counters: this.counters
    })
    this.keeper = new RegistrationKeeper({
      exchange: this.exchange,
      sealer: new OwnRecordSealer({
        peerId: components.peerId,
        privateKey: components.privateKey,
        addressManager: components.addressManager,
        addressFilter: init.addressFilter ?? (() => true)
      }),
      schedule: new RefreshSchedule(init.refresh),
      clock: init.clock ?? Date.now,
      timers: this.timers,
      log: this.log,
      events: this
    })
    this.onSelfUpdate = this.onSelfUpdate.bind(this)
  }

  /** The configured points' peer IDs, in order of preference */
  get points (): PeerId[] {
    return this.configuredPoints.map(p => p.peerId)
  }

  /** A snapshot of the counters */
  stats (): RendezvousClientStats {
    return this.counters.snapshot()
  }

  isStarted (): boolean {
    return this.started
  }

  start (): void {
    this.started = true
    this.components.events.addEventListener('self:peer:update', this.onSelfUpdate)
    // registrations asked for before start are kept alive from now on
    this.keeper.start()
  }

  /**
   * Before libp2p closes its connections: send UNREGISTER for every namespace this node keeps
   * registered, at the points whose dialect has it, waiting at most `UNREGISTER_ON_STOP_TIMEOUT` ms
   */
  async beforeStop (): Promise<void> {
    await this.keeper.unregisterAll()
  }

  /**
   * Stop keeping registrations alive. What {@link beforeStop} has not unregistered yet (when the client
   * is stopped on its own, outside libp2p) is unregistered first, within the same bound.
   */
  async stop (): Promise<void> {
    this.components.events.removeEventListener('self:peer:update', this.onSelfUpdate)
    await this.keeper.stop()
    this.started = false
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
    const { points, ...rest } = options
    return this.keeper.register(namespace, this.pointsFor(points), rest)
  }

  /**
   * Stop keeping `namespace` registered. On `/rendezvous/1.0.0` points UNREGISTER is sent (it has no
   * answer); `/vac/waku/rendezvous/0.0.1` has none, so there the registration simply expires.
   */
  async unregister (namespace: string, options: UnregisterOptions = {}): Promise<UnregisterOutcome[]> {
    return this.keeper.unregister(namespace, options)
  }

  /** The registrations being kept alive, one entry per (namespace, point) */
  getRegistrations (): RegistrationStatus[] {
    return this.keeper.list()
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
    const paging = { limit: options.limit ?? DEFAULT_DISCOVER_LIMIT, resume: options.resume === true, signal: options.signal }
    yield * this.cookieJar.pages(point, namespace, paging, async page => this.discoverAt(point, namespace, page))
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
      timers: this.timers,
      onDrop: reason => {
        this.log('dropped a followed registration from %s: %s', point, reason)
        this.counters.dropRecord(reason)
      }
    }, point, namespace, options)
  }

  private async discoverAt (point: Point, namespace: string, options: { limit?: number, cookie?: Uint8Array } & AbortOptions): Promise<PageResult> {
    const { response, dialect } = await this.exchange.request(point, d => {
      checkNamespace(namespace, d)
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
        this.counters.dropRecord(reason)
      }
    })
    return { registrations, cookie, point: point.peerId, protocol: dialect.protocol, received: response.registrations.length }
  }

  private onSelfUpdate (): void {
    this.keeper.addressesUpdated()
  }

  private pointFor (input: PointInput): Point {
    const parsed = parsePoint(input, this.dialects)
    return this.configuredPoints.find(p => p.peerId.equals(parsed.peerId)) ?? parsed
  }

  /**
   * The points a request goes to: `inputs` parsed (a configured point keeps what the client learnt about
   * it), or every configured point
   *
   * @throws {UnknownPointError} when that leaves no point
   */
  private pointsFor (inputs?: PointInput[]): Point[] {
    const points = inputs == null ? this.configuredPoints : inputs.map(p => this.pointFor(p))
    if (points.length === 0) {
      throw new UnknownPointError('no rendezvous point is configured')
    }
    return points
  }
}
