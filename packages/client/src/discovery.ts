import { peerDiscoverySymbol, serviceCapabilities } from '@libp2p/interface'
import { CODE_P2P } from '@multiformats/multiaddr'
import { setMaxListeners, TypedEventEmitter } from 'main-event'
import { RendezvousClient } from './client.ts'
import { DEFAULT_DISCOVERY_INTERVAL, DEFAULT_TARGET_CONNECTIONS, DIAL_BACKOFF_INITIAL, DIAL_BACKOFF_MAX, FOLLOW_DIAL_DELAY, FOLLOW_RETRY_INITIAL, FOLLOW_RETRY_MAX, MAX_KNOWN_PEERS, UNREGISTER_ON_STOP_TIMEOUT } from './constants.ts'
import { FollowUnsupportedError } from './errors.ts'
import { delay, realTimers, timeoutSignal } from './time.ts'
import type { RendezvousClientComponents, RendezvousClientInit } from './client.ts'
import type { PointInput } from './point.ts'
import type { Clock, Timers } from './time.ts'
import type { DiscoveredRegistration } from './verify.ts'
import type { Logger, PeerDiscovery, PeerDiscoveryEvents, PeerId, Startable } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Options of {@link rendezvousDiscovery} */
export interface RendezvousDiscoveryInit extends Omit<RendezvousClientInit, 'points'> {
  /** Namespaces to register under and to discover peers in (a gossipsub topic, a relay namespace, …) */
  namespaces: string[]
  /** Milliseconds between polls of the points (default 10 000) */
  interval?: number
  /**
   * Points of this discovery's own. Without them it uses the node's rendezvous client service (named
   * `clientService`) and that service's points; with them, or when the node has no such service, it runs
   * a client of its own on these points.
   */
  points?: PointInput[]
  /** Name of the client service to share (default `rendezvous`) */
  clientService?: string
  /** Register this node under the namespaces (default true); false only discovers */
  register?: boolean
  /** TTL to request for the registrations, in seconds (default: the point's default) */
  ttl?: number
  /**
   * Keep connections to up to this many peers of the namespaces by dialing discovered peers (default 6;
   * 0 never dials). libp2p v3 does not dial discovered peers, and gossipsub only sees connected peers.
   */
  targetConnections?: number
  /** Registrations per DISCOVER page (default 1000) */
  limit?: number
  /**
   * Follow the namespaces at points that speak `/rendezvous/follow/1.0.0`, so new peers arrive as they
   * register instead of at the next poll; points that do not are polled (default true)
   */
  follow?: boolean
}

interface KnownPeer {
  peerId: PeerId
  seq: bigint
  addresses: string
  multiaddrs: Multiaddr[]
  /** When its registration runs out (ms since the epoch) */
  expires: number
  /** No dial before this time */
  dialAfter: number
  dialFailures: number
}

/**
 * A js-libp2p peer discovery that finds peers through rendezvous points: registers this node under
 * its namespaces, polls the points (with cookies, so only new registrations arrive), emits `peer` for
 * every newly found peer, and dials enough of them to keep `targetConnections` connections.
 */
export class RendezvousDiscovery extends TypedEventEmitter<PeerDiscoveryEvents> implements PeerDiscovery, Startable {
  readonly [Symbol.toStringTag] = '@rendezvous/discovery'
  readonly [serviceCapabilities]: string[] = ['@libp2p/peer-discovery']
  readonly [peerDiscoverySymbol] = this

  private readonly components: RendezvousClientComponents
  private readonly init: RendezvousDiscoveryInit
  private readonly log: Logger
  private readonly interval: number
  private readonly targetConnections: number
  private readonly clock: Clock
  private readonly timers: Timers
  /** Peers being dialed now, by peer ID */
  private readonly dialing = new Set<string>()
  private readonly known = new Map<string, KnownPeer>()
  private client?: RendezvousClient
  private ownClient = false
  private timer?: unknown
  private controller?: AbortController
  private polling?: Promise<void>
  /** `namespace point` pairs followed (not polled) */
  private readonly followed = new Set<string>()
  private readonly follows = new Set<Promise<void>>()
  private maintaining?: Promise<void>
  private maintainTimer?: unknown
  private started = false

  constructor (components: RendezvousClientComponents, init: RendezvousDiscoveryInit) {
    super()
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('rendezvous:discovery')
    this.interval = init.interval ?? DEFAULT_DISCOVERY_INTERVAL
    this.targetConnections = init.targetConnections ?? DEFAULT_TARGET_CONNECTIONS
    this.clock = init.clock ?? Date.now
    this.timers = init.timers ?? realTimers
  }

  isStarted (): boolean {
    return this.started
  }

  start (): void {
    this.started = true
    this.controller = new AbortController()
    setMaxListeners(Infinity, this.controller.signal)
  }

  /** Registering needs listen addresses and the client service running: both exist only after start */
  async afterStart (): Promise<void> {
    this.client = this.init.points == null ? this.sharedClient() : undefined
    if (this.client == null) {
      this.client = new RendezvousClient(this.components, { ...this.init, points: this.init.points })
      this.ownClient = true
      this.client.start()
    }
    if (this.init.register !== false) {
      for (const namespace of this.init.namespaces) {
        this.client.register(namespace, { ttl: this.init.ttl }).catch(err => {
          this.log.error('cannot register under %s - %e', namespace, err)
        })
      }
    }
    if (this.init.follow !== false && typeof this.client.follow === 'function') {
      for (const namespace of this.init.namespaces) {
        for (const point of this.client.points) {
          const key = `${namespace} ${point.toString()}`
          this.followed.add(key)
          const running = this.runFollow(namespace, point, key).finally(() => { this.follows.delete(running) })
          this.follows.add(running)
        }
      }
    }
    this.scheduleNextPoll(0)
  }

  /**
   * Before libp2p closes its connections: UNREGISTER this node's namespaces at the points that granted
   * them, so peers that stop do not stay listed for a TTL; bounded by {@link UNREGISTER_ON_STOP_TIMEOUT}
   */
  async beforeStop (): Promise<void> {
    await this.unregisterNamespaces()
  }

  private async unregisterNamespaces (): Promise<void> {
    const client = this.client
    if (client == null || this.init.register === false) {
      return
    }
    const timeout = timeoutSignal(this.timers, UNREGISTER_ON_STOP_TIMEOUT)
    try {
      await Promise.all(this.init.namespaces.map(async namespace => {
        await client.unregister(namespace, { signal: timeout.signal, granted: true }).catch(() => {})
      }))
    } finally {
      timeout.dispose()
    }
  }

  async stop (): Promise<void> {
    // when stopped outside libp2p, beforeStop has not run: unregister first (a no-op if it has)
    await this.unregisterNamespaces()
    this.started = false
    this.timers.clearTimeout(this.timer)
    this.timers.clearTimeout(this.maintainTimer)
    this.maintainTimer = undefined
    this.controller?.abort(new Error('rendezvous discovery stopped'))
    await this.polling?.catch(() => {})
    await Promise.all([...this.follows])
    this.followed.clear()
    if (this.client != null) {
      if (this.ownClient) {
        await this.client.stop()
      }
    }
    this.client = undefined
    this.ownClient = false
    this.known.clear()
  }

  private sharedClient (): RendezvousClient | undefined {
    try {
      const service = (this.components as any)[this.init.clientService ?? 'rendezvous']
      if (service instanceof RendezvousClient || (typeof service?.discoverAll === 'function' && typeof service?.register === 'function')) {
        return service
      }
    } catch {
      // libp2p's components throw for services that are not configured
    }
    return undefined
  }

  private scheduleNextPoll (delay: number): void {
    if (!this.started) {
      return
    }
    this.timer = this.timers.setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined
        this.scheduleNextPoll(this.interval)
      })
    }, delay)
  }

  private async poll (): Promise<void> {
    const client = this.client
    const signal = this.controller?.signal
    if (client == null || signal == null) {
      return
    }
    const now = this.clock()
    for (const [key, peer] of this.known) {
      if (peer.expires < now) {
        this.known.delete(key)
      }
    }
    for (const namespace of this.init.namespaces) {
      for (const point of client.points) {
        if (this.followed.has(`${namespace} ${point.toString()}`)) {
          continue
        }
        try {
          for await (const registration of client.discoverAll(namespace, { point, resume: true, limit: this.init.limit, signal })) {
            this.consider(registration)
          }
        } catch (err: any) {
          if (signal.aborted) {
            return
          }
          this.log('polling %s at %p failed - %e', namespace, point, err)
        }
      }
    }
    await this.maintainConnections(signal)
  }

  /**
   * Follow one namespace at one point for as long as the discovery runs, resuming with the last cookie after
   * a disconnection; a point that does not speak the follow protocol is polled instead
   */
  private async runFollow (namespace: string, point: PeerId, key: string): Promise<void> {
    const signal = this.controller?.signal
    if (signal == null) {
      return
    }
    let cookie: Uint8Array | undefined
    let failures = 0
    // ends when stop() aborts the signal (which also ends the follow and the delay below)
    while (this.started && this.client != null) {
      try {
        for await (const batch of this.client.follow(namespace, { point, cookie, signal })) {
          failures = 0
          for (const registration of batch.registrations) {
            this.consider(registration)
          }
          cookie = batch.cookie ?? cookie
          if (batch.registrations.length > 0) {
            this.maintainSoon(signal)
          }
        }
      } catch (err: any) {
        if (signal.aborted) {
          return
        }
        if (err instanceof FollowUnsupportedError || err?.name === 'FollowUnsupportedError') {
          this.log('%p does not speak the follow protocol: polling it', point)
          this.followed.delete(key)
          return
        }
        this.log('following %s at %p failed - %e', namespace, point, err)
      }
      if (signal.aborted) {
        return
      }
      failures++
      // never longer than polling would wait
      await delay(this.timers, Math.min(FOLLOW_RETRY_MAX, this.interval, FOLLOW_RETRY_INITIAL * 2 ** (failures - 1)), signal)
    }
  }

  /**
   * Dial newly followed peers soon rather than at the next poll: a short wait first gathers the peers pushed
   * meanwhile, so that the random choice among them spreads the dials of peers that boot together, instead
   * of all of them dialing the first few to register
   */
  private maintainSoon (signal: AbortSignal): void {
    if (this.maintainTimer != null) {
      return
    }
    this.maintainTimer = this.timers.setTimeout(() => {
      if (this.maintaining != null) {
        // a pass is running: run another when it is done
        this.maintaining.finally(() => { this.maintainTimer = undefined; this.maintainSoon(signal) }).catch(() => {})
        return
      }
      this.maintainTimer = undefined
      if (signal.aborted) {
        return
      }
      this.maintaining = this.maintainConnections(signal).catch(() => {}).finally(() => { this.maintaining = undefined })
    }, FOLLOW_DIAL_DELAY)
  }

  private consider (registration: DiscoveredRegistration): void {
    const { peerId } = registration
    if (peerId.equals(this.components.peerId) || registration.multiaddrs.length === 0) {
      return
    }
    const key = peerId.toString()
    const known = this.known.get(key)
    const addresses = registration.multiaddrs.map(a => a.toString()).sort().join(' ')
    // without a TTL, trust the registration for a few polls
    const expires = this.clock() + (registration.ttl != null ? registration.ttl * 1000 : this.interval * 3)
    if (known != null) {
      known.expires = Math.max(known.expires, expires)
      if (registration.seq <= known.seq || known.addresses === addresses) {
        known.seq = registration.seq > known.seq ? registration.seq : known.seq
        return
      }
      known.seq = registration.seq
      known.addresses = addresses
      known.multiaddrs = registration.multiaddrs
    } else {
      if (this.known.size >= MAX_KNOWN_PEERS) {
        return
      }
      this.known.set(key, { peerId, seq: registration.seq, addresses, multiaddrs: registration.multiaddrs, expires, dialAfter: 0, dialFailures: 0 })
    }
    this.log('discovered %p in %s', peerId, registration.namespace)
    this.safeDispatchEvent('peer', { detail: { id: peerId, multiaddrs: registration.multiaddrs } })
  }

  private async maintainConnections (signal: AbortSignal): Promise<void> {
    if (this.targetConnections <= 0 || this.known.size === 0) {
      return
    }
    const candidates: KnownPeer[] = []
    let connected = 0
    const now = this.clock()
    for (const [key, peer] of this.known) {
      // a dial in flight counts as a connection: polls and follow pushes may maintain at the same time
      if (this.dialing.has(key) || this.components.connectionManager.getConnections(peer.peerId).length > 0) {
        connected++
      } else if (peer.dialAfter <= now) {
        candidates.push(peer)
      }
    }
    const wanted = this.targetConnections - connected
    if (wanted <= 0 || candidates.length === 0) {
      return
    }
    // spread the dials so that nodes that poll the same point do not all pick the same peers
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      const c = candidates[i]
      candidates[i] = candidates[j]
      candidates[j] = c
    }
    await Promise.all(candidates.slice(0, wanted).map(async peer => {
      const { peerId } = peer
      const key = peerId.toString()
      this.dialing.add(key)
      try {
        await this.components.connectionManager.openConnection(peer.multiaddrs.map(a => withPeer(a, peerId)), { signal })
        peer.dialFailures = 0
      } catch (err: any) {
        peer.dialFailures++
        peer.dialAfter = this.clock() + Math.min(DIAL_BACKOFF_MAX, DIAL_BACKOFF_INITIAL * 2 ** (peer.dialFailures - 1))
        this.log('dialing %p failed - %e', peerId, err)
      } finally {
        this.dialing.delete(key)
      }
    }))
  }
}

/** Dialing a list of addresses needs each to name the peer, so the dialer can check who answered */
function withPeer (address: Multiaddr, peerId: PeerId): Multiaddr {
  return address.getComponents().at(-1)?.code === CODE_P2P ? address : address.encapsulate(`/p2p/${peerId.toString()}`)
}
