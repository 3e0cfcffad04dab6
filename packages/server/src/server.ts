import { serviceCapabilities } from '@libp2p/interface'
import { AgentVersions } from './agent-versions.ts'
import { resolveConfig } from './config.ts'
import { InvalidServerConfigError } from './errors.ts'
import { RegistrationEventFanout } from './federation-events.ts'
import { Federation } from './federation.ts'
import { FollowService } from './follow-service.ts'
import { RequesterFormats } from './requester-formats.ts'
import { ObservedRequestHandler, ServerEvents } from './server-events.ts'
import { StatsRecorder } from './stats.ts'
import { StreamSession } from './stream-session.ts'
import { EnvelopeVerifier } from './verification-cache.ts'
import './stream-handler-options.ts'
import type { IdentifyOnDemand } from './agent-versions.ts'
import type { RendezvousServerInit, ServerConfig } from './config.ts'
import type { FederationComponents } from './federation.ts'
import type { RendezvousServerStats } from './stats.ts'
import type { ComponentLogger, Connection, Libp2pEvents, Logger, Metrics, PeerId, PeerStore, Startable, Stream, TypedEventTarget } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Dialect } from '@rendezvous/codec'

/** What the server takes from the libp2p node */
export interface RendezvousServerComponents {
  registrar: Registrar
  /** Connection events, for the connection guard and a federation */
  events?: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  metrics?: Metrics
  /** Where identify's agent versions are found, to serve rust-libp2p peers the records they read */
  peerStore?: PeerStore
  /** The node's own peer ID, for a federation */
  peerId?: PeerId
  /** For a federation: to reach the other members */
  connectionManager?: ConnectionManager
}

/** The rendezvous point service; reach it as `node.services.rendezvous` */
export class RendezvousServer implements Startable {
  readonly [Symbol.toStringTag] = '@rendezvous/server'
  readonly [serviceCapabilities]: string[] = ['@rendezvous/server']

  private readonly components: RendezvousServerComponents
  private readonly config: ServerConfig
  private readonly log: Logger
  private readonly verifier: EnvelopeVerifier
  private readonly handler: ObservedRequestHandler
  /** Every request answered and every expiry pass, as events (see `RendezvousServerEvents`) */
  readonly events = new ServerEvents()
  private readonly recorder: StatsRecorder
  private readonly follow?: FollowService
  /** The point's membership of a federation, when `init.federation` is given */
  readonly federation?: Federation
  /** The streams being served */
  private readonly sessions = new Set<StreamSession>()
  /** Told by each session when its stream has ended (one function for all, not one per stream) */
  private readonly sessionEnded = (session: StreamSession): void => {
    this.sessions.delete(session)
    this.recorder.streamClosed()
  }

  private expiryTimer?: ReturnType<typeof setInterval>
  private expiring?: Promise<number>
  private started = false

  constructor (components: RendezvousServerComponents, init: RendezvousServerInit) {
    this.components = components
    this.config = resolveConfig(init)
    this.log = components.logger.forComponent('rendezvous:server')
    this.verifier = new EnvelopeVerifier(this.config.verificationCacheSize)
    const identifyService = this.config.identifyService
    const agentVersions = new AgentVersions({
      peerStore: components.peerStore,
      connectionManager: components.connectionManager,
      identify: identifyService == null ? undefined : () => this.identifyService(identifyService)
    }, this.log)
    this.handler = new ObservedRequestHandler(this.config, this.verifier, new RequesterFormats(async (peer) => agentVersions.of(peer)), this.log)
    this.handler.events = this.events
    this.recorder = new StatsRecorder(components.metrics, this.config.store)
    const fanout = new RegistrationEventFanout(err => { this.log.error('a registration listener failed - %e', err) })
    this.handler.registrationEvents = fanout
    if (this.config.maxFollowers > 0) {
      this.follow = new FollowService(components.registrar, this.config, this.config.maxFollowers, this.log.newScope('follow'))
      fanout.add(this.follow)
    }
    if (this.config.federation != null) {
      this.federation = new Federation(components as FederationComponents, this.config, this.config.federation, this.verifier, r => { this.follow?.registered(r) })
      fanout.add(this.federation)
    }
  }

  /** The node's service of that name, if it can identify a connection's peer (libp2p puts services among the components) */
  private identifyService (name: string): IdentifyOnDemand | undefined {
    try {
      const service = (this.components as unknown as Record<string, Partial<IdentifyOnDemand> | undefined>)[name]
      return typeof service?.identify === 'function' ? service as IdentifyOnDemand : undefined
    } catch {
      // libp2p's components throw for a name no service has
      return undefined
    }
  }

  /** The dialects served, in the order given */
  get dialects (): readonly Dialect[] {
    return this.config.dialects
  }

  /** The TTL window applied to `/rendezvous/1.0.0`, with defaults filled in */
  get ttl (): Readonly<{ default: number, min: number, max: number }> {
    return this.config.ttl
  }

  isStarted (): boolean {
    return this.started
  }

  async start (): Promise<void> {
    if (this.started) {
      return
    }
    const identifyService = this.config.identifyService
    if (identifyService != null && this.identifyService(identifyService) == null) {
      throw new InvalidServerConfigError(`identifyService names "${identifyService}", which is not an identify service of this node`)
    }
    for (const dialect of this.config.dialects) {
      await this.components.registrar.handle(dialect.protocol, (stream, connection) => { this.onStream(dialect, stream, connection) }, {
        maxInboundStreams: this.config.maxInboundStreams,
        runOnLimitedConnection: this.config.runOnLimitedConnection,
        recordInboundProtocol: this.config.recordRequesterProtocols
      })
    }
    if (this.config.expiryInterval > 0) {
      this.expiryTimer = setInterval(() => {
        this.expireNow().catch(err => { this.log.error('expiry pass failed - %e', err) })
      }, this.config.expiryInterval)
      // the timer must not keep a process alive that has nothing else to do
      this.expiryTimer.unref?.()
    }
    if (this.config.connectionGuard != null) {
      if (this.components.events == null) {
        throw new InvalidServerConfigError('a connection guard needs the node\'s events component')
      }
      this.config.connectionGuard.start(this.components.events, this.log.newScope('guard'))
    }
    await this.follow?.start()
    if (this.federation != null) {
      const { peerId, connectionManager, events } = this.components
      if (peerId == null || connectionManager == null || events == null) {
        throw new InvalidServerConfigError('a federation needs the node\'s peerId, connectionManager and events components')
      }
    }
    this.started = true
    this.log('serving %s', this.config.dialects.map(d => d.protocol).join(', '))
  }

  /** The federation joins its gossipsub topic once every service of the node, gossipsub included, has started */
  async afterStart (): Promise<void> {
    await this.federation?.start()
  }

  /**
   * Stop taking streams, answer requests in flight (up to `shutdownTimeout`), then abort what is left.
   * The store stays open: its owner closes it.
   */
  async stop (): Promise<void> {
    if (!this.started) {
      return
    }
    this.started = false
    this.config.connectionGuard?.stop()
    await this.federation?.stop()
    await this.follow?.stop()
    clearInterval(this.expiryTimer)
    this.expiryTimer = undefined
    await Promise.all(this.config.dialects.map(async d => this.components.registrar.unhandle(d.protocol).catch(err => {
      this.log.error('could not unhandle %s - %e', d.protocol, err)
    })))
    for (const session of [...this.sessions]) {
      session.shutdown()
    }
    if (this.sessions.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<void>(resolve => { timer = setTimeout(resolve, this.config.shutdownTimeout) })
      await Promise.race([Promise.all([...this.sessions].map(async s => s.whenEnded())), deadline])
      clearTimeout(timer)
      for (const session of [...this.sessions]) {
        session.abort(new Error('the rendezvous server stopped'))
      }
    }
    await this.expiring?.catch(() => {})
  }

  /** Counters since the service was created */
  stats (): RendezvousServerStats {
    return {
      streams: { ...this.recorder.streams },
      requests: { ...this.recorder.requests },
      verifications: this.verifier.verifications,
      verificationCacheHits: this.verifier.cacheHits,
      verificationCacheSize: this.verifier.cacheSize,
      internalErrors: this.handler.internalErrors,
      discoverBudgetLimited: this.handler.budgetLimited,
      connections: this.config.connectionGuard == null
        ? undefined
        : { refused: { ...this.config.connectionGuard.refused }, closed: { ...this.config.connectionGuard.closed } },
      expired: this.recorder.expired,
      federation: this.federation?.stats(),
      follow: this.follow?.stats()
    }
  }

  /** The number of live registrations in the store */
  async registrations (): Promise<number> {
    return this.config.store.count()
  }

  /** Run an expiry pass now (one at a time); resolves how many registrations it deleted */
  async expireNow (): Promise<number> {
    if (this.expiring != null) {
      return this.expiring
    }
    this.expiring = (async () => {
      try {
        const n = await this.config.store.expire()
        this.recorder.expired += n
        this.events.expired(n)
        if (n > 0) {
          this.log.trace('expired %d registrations', n)
        }
        return n
      } finally {
        this.expiring = undefined
      }
    })()
    return this.expiring
  }

  /**
   * Serve an inbound stream. Returns at once: the session runs on the stream's events and tells
   * `sessionEnded` when it is over, so no promise is kept per stream (libp2p has nothing to wait for)
   */
  private onStream (dialect: Dialect, stream: Stream, connection: Connection): void {
    if (!this.started) {
      stream.abort(new Error('the rendezvous server is stopped'))
      return
    }
    this.config.connectionGuard?.noteStream(connection)
    const session = new StreamSession(dialect, stream, connection, this.config, this.handler, this.recorder, this.log, this.sessionEnded)
    this.recorder.streamOpened()
    this.sessions.add(session)
    session.run()
  }
}
