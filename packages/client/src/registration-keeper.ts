import { Status } from '@rendezvous/codec'
import { ADDRESS_CHANGE_DEBOUNCE, UNREGISTER_ON_STOP_TIMEOUT } from './constants.ts'
import { NoAnswerError, RendezvousProtocolError, RendezvousStatusError, UnsendableNamespaceError } from './errors.ts'
import { checkNamespace } from './namespace.ts'
import { timeoutSignal } from './time.ts'
import type { RequestExchange } from './exchange.ts'
import type { OwnRecordSealer } from './own-record.ts'
import type { Point, PointInput } from './point.ts'
import type { RefreshSchedule } from './refresh-schedule.ts'
import type { Clock, Timers } from './time.ts'
import type { AbortOptions, Logger, PeerId } from '@libp2p/interface'
import type { Dialect, RecordFormat, RendezvousRequest, RendezvousResponse } from '@rendezvous/codec'
import type { TypedEventEmitter } from 'main-event'

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
  /** Send it only to points that granted the registration, or may have: a REGISTER is on its way (default false: to every point) */
  granted?: boolean
}

/** The result of unregistering at one point */
export interface UnregisterOutcome {
  point: PeerId
  /** Whether an UNREGISTER was sent (0.0.1 has none: the registration just expires) */
  sent: boolean
  error?: Error
}

/** The state of one registration at one point, as {@link RendezvousClient.getRegistrations} reports it */
export interface RegistrationStatus {
  namespace: string
  point: PeerId
  /** The TTL the point granted last time, in seconds */
  ttl?: number
  /** When the last granted TTL runs out (ms since the epoch, on the client's clock) */
  expires?: number
  /** When the next refresh or retry is due (ms since the epoch, on the client's clock); absent when none is scheduled */
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

/** What the keeper needs */
export interface KeeperInit {
  exchange: RequestExchange
  sealer: OwnRecordSealer
  schedule: RefreshSchedule
  clock: Clock
  timers: Timers
  log: Logger
  /** Where `registration` and `registration:error` are dispatched: the client */
  events: Pick<TypedEventEmitter<RendezvousClientEvents>, 'safeDispatchEvent'>
}

/** One namespace at one point: what it was granted and when it is tried next */
class PointRegistration {
  readonly point: Point
  /** Bumped by every attempt and cancel, so an answer to an older attempt changes nothing */
  generation = 0
  failures = 0
  ttl?: number
  expires?: number
  nextAttempt?: number
  lastError?: Error
  timer?: unknown
  /** A REGISTER is on its way: the point may hold the registration before its answer arrives here */
  registering = false

  constructor (point: Point) {
    this.point = point
  }
}

interface NamespaceRegistration {
  namespace: string
  ttl?: number
  points: Map<string, PointRegistration>
}

/**
 * The registration keeper: registers this node under namespaces at points and keeps the registrations
 * alive: renewed before the granted TTL runs out, retried with backoff after a failure, registered again
 * when the node's addresses change, unregistered on stop.
 */
export class RegistrationKeeper {
  private readonly init: KeeperInit
  private readonly registrations = new Map<string, NamespaceRegistration>()
  private addressTimer?: unknown
  private started = false

  constructor (init: KeeperInit) {
    this.init = init
  }

  /** Keep alive from now on, the registrations asked for before too */
  start (): void {
    this.started = true
    for (const registration of this.registrations.values()) {
      for (const entry of registration.points.values()) {
        if (entry.timer == null) {
          this.scheduleAttempt(registration, entry, entry.ttl == null ? 0 : this.init.schedule.refreshDelay(entry.ttl))
        }
      }
    }
  }

  /** Unregister what is still registered (within {@link UNREGISTER_ON_STOP_TIMEOUT}), then forget everything */
  async stop (): Promise<void> {
    await this.unregisterAll()
    this.started = false
    this.init.timers.clearTimeout(this.addressTimer)
    for (const registration of this.registrations.values()) {
      for (const entry of registration.points.values()) {
        this.cancel(entry)
      }
    }
    this.registrations.clear()
  }

  /** UNREGISTER every namespace at the points that granted it, waiting at most {@link UNREGISTER_ON_STOP_TIMEOUT} ms */
  async unregisterAll (): Promise<void> {
    if (this.registrations.size === 0) {
      return
    }
    const timeout = timeoutSignal(this.init.timers, UNREGISTER_ON_STOP_TIMEOUT)
    try {
      await Promise.all([...this.registrations.keys()].map(async namespace => {
        await this.unregister(namespace, { signal: timeout.signal, granted: true }).catch(() => {})
      }))
    } finally {
      timeout.dispose()
    }
  }

  /** Register `namespace` at `points` now, and keep it registered there */
  async register (namespace: string, points: Point[], options: Omit<RegisterOptions, 'points'>): Promise<RegistrationOutcome[]> {
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

  /** Stop keeping `namespace` registered, and tell the points whose dialect has UNREGISTER */
  async unregister (namespace: string, options: UnregisterOptions = {}): Promise<UnregisterOutcome[]> {
    const registration = this.registrations.get(namespace)
    if (registration == null) {
      return []
    }
    this.registrations.delete(namespace)
    const entries = [...registration.points.values()]
    entries.forEach(entry => { this.cancel(entry) })
    if (options.notify === false) {
      return entries.map(entry => ({ point: entry.point.peerId, sent: false }))
    }
    return Promise.all(entries.map(async (entry): Promise<UnregisterOutcome> => {
      if (entry.point.knownDialect?.features.unregister === false || (options.granted === true && entry.ttl == null && !entry.registering)) {
        return { point: entry.point.peerId, sent: false }
      }
      try {
        const { sent } = await this.init.exchange.request(entry.point, d => d.features.unregister ? { type: 'UNREGISTER', ns: namespace } : undefined, undefined, options)
        return { point: entry.point.peerId, sent }
      } catch (err: any) {
        return { point: entry.point.peerId, sent: false, error: err }
      }
    }))
  }

  /** The registrations being kept alive, one entry per (namespace, point) */
  list (): RegistrationStatus[] {
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
   * The node's addresses may have changed: once {@link ADDRESS_CHANGE_DEBOUNCE} ms pass without another
   * change (they come in bursts: several listeners, then identify), register everywhere again if they did
   */
  addressesUpdated (): void {
    if (this.registrations.size === 0) {
      return
    }
    const { timers, sealer, log } = this.init
    timers.clearTimeout(this.addressTimer)
    this.addressTimer = timers.setTimeout(() => {
      if (!this.started || !sealer.addressesChanged()) {
        return
      }
      log('own addresses changed, registering again')
      for (const registration of this.registrations.values()) {
        for (const entry of registration.points.values()) {
          void this.registerAt(registration, entry)
        }
      }
    }, ADDRESS_CHANGE_DEBOUNCE)
  }

  private async registerAt (registration: NamespaceRegistration, entry: PointRegistration, options: AbortOptions = {}): Promise<RegistrationOutcome> {
    this.cancel(entry)
    const generation = entry.generation
    const current = (): boolean => this.registrations.get(registration.namespace) === registration && entry.generation === generation
    const { namespace } = registration
    const { point } = entry
    const { events, schedule, clock, log } = this.init
    let protocol: string | undefined
    entry.registering = true

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
        entry.expires = clock() + ttl * 1000
        this.scheduleAttempt(registration, entry, schedule.refreshDelay(ttl))
        events.safeDispatchEvent('registration', { detail: { namespace, point: point.peerId, ttl } })
      }
      return { point: point.peerId, protocol, ttl }
    } catch (err: any) {
      if (current()) {
        entry.failures++
        entry.lastError = err
        // a rejection for good waits for the next address change instead of hammering the point
        if (!(err instanceof RendezvousStatusError && err.permanent) && !(err instanceof UnsendableNamespaceError)) {
          this.scheduleAttempt(registration, entry, schedule.backoffDelay(entry.failures))
        }
        events.safeDispatchEvent('registration:error', { detail: { namespace, point: point.peerId, error: err } })
      }
      log('register %s at %s failed - %e', namespace, point, err)
      return { point: point.peerId, protocol, error: err }
    } finally {
      if (entry.generation === generation) {
        entry.registering = false
      }
    }
  }

  /**
   * One REGISTER, in the format the point takes. With `auto`, a point that resets the stream without a word
   * (a rust-libp2p point cannot read a standard record) is asked once more in the dialect's next format,
   * and that format is kept for the point when it answers.
   */
  private async registerOnce (point: Point, namespace: string, ttl: number | undefined, options: AbortOptions): Promise<{ response?: RendezvousResponse, dialect: Dialect }> {
    const { exchange, sealer, log } = this.init
    let format: RecordFormat | undefined
    const build = async (d: Dialect): Promise<RendezvousRequest> => {
      checkNamespace(namespace, d)
      format = point.formatFor(d)
      return { type: 'REGISTER', ns: namespace, signedPeerRecord: await sealer.record(format, options), ttl }
    }
    try {
      return await exchange.request(point, build, 'REGISTER_RESPONSE', options)
    } catch (err: any) {
      const dialect = point.knownDialect
      const next = dialect?.records.accepts.find(f => f !== format)
      if (!(err instanceof NoAnswerError) || point.recordFormat !== 'auto' || point.learnedFormat != null || dialect == null || next == null) {
        throw err
      }
      log('%s reset a REGISTER in the %s format; trying %s', point, format?.name, next.name)
      point.learnedFormat = next
      try {
        return await exchange.request(point, build, 'REGISTER_RESPONSE', options)
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
    const { timers, clock } = this.init
    timers.clearTimeout(entry.timer)
    entry.nextAttempt = clock() + delay
    entry.timer = timers.setTimeout(() => {
      entry.timer = undefined
      void this.registerAt(registration, entry)
    }, delay)
  }

  private cancel (entry: PointRegistration): void {
    this.init.timers.clearTimeout(entry.timer)
    entry.timer = undefined
    entry.nextAttempt = undefined
    entry.generation++
  }
}
