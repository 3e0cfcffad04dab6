import { CODE_IP4, CODE_IP6 } from '@multiformats/multiaddr'
import {
  DEFAULT_CONNECTION_IDLE_TIMEOUT, DEFAULT_GUARD_MAX_CONNECTIONS, DEFAULT_MAX_PENDING_PER_IP, DEFAULT_MAX_UNPROVEN_PER_IP,
  GUARD_SWEEP_INTERVAL
} from './constants.ts'
import { InvalidServerConfigError } from './errors.ts'
import type { Connection, ConnectionGater, Libp2pEvents, Logger, MultiaddrConnection, TypedEventTarget } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Options of {@link ConnectionGuard} */
export interface ConnectionGuardInit {
  /**
   * Open connections the point keeps. Above it, the least useful connections are closed (those without a
   * stream, the longest idle first), so new peers still get in. Give libp2p's own `maxConnections` more
   * room than this ({@link ConnectionGuard.libp2pMaxConnections}), or libp2p refuses new peers first.
   *
   * @default 4096
   */
  maxConnections?: number
  /**
   * Connections from one IP address that may be mid-handshake at once (a slowloris holds no more)
   *
   * @default 8
   */
  maxPendingPerIp?: number
  /**
   * Open connections from one IP address that have not opened a stream yet
   *
   * @default 8
   */
  maxUnprovenPerIp?: number
  /**
   * Milliseconds a connection may go without any stream before it is closed; a peer that comes back reconnects
   *
   * @default 30000
   */
  idleTimeout?: number
  /**
   * Connections the guard never closes as idle or prunes, however long they go without a stream: a circuit
   * relay's reservation holders, who are reachable only through their idle connection to the relay
   */
  keep?(connection: Connection): boolean
  /** Milliseconds since the epoch; tests inject one */
  clock?(): number
}

/** What one open connection has done */
interface Tracked {
  connection: Connection
  ip: string
  /** An inbound stream was opened on it */
  proven: boolean
  /** The last time it had a stream open (or opened) */
  lastActive: number
}

function ipOf (address: Multiaddr): string {
  const component = address.getComponents().find(c => c.code === CODE_IP4 || c.code === CODE_IP6)
  // non-IP transports (a relayed or in-memory connection) share one key
  return component?.value ?? 'other'
}

function positiveInteger (name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new InvalidServerConfigError(`${name} must be a positive integer, got ${String(v)}`)
  }
  return v
}

/**
 * What a connection may cost a point before it has proven anything, on top of js-libp2p's connection
 * manager (docs/server-behaviour.md, "Connections"):
 *
 * - a connection gater (js-libp2p's hook) that refuses an inbound connection when its IP address already
 * has `maxPendingPerIp` handshakes in progress, or `maxUnprovenPerIp` open connections that never opened a stream;
 * - a sweep that closes connections without any stream for `idleTimeout`;
 * - a cap that prunes instead of refusing: above `maxConnections`, close the connections without streams,
 * never proven first, then the longest idle.
 *
 * Pass {@link gater} as libp2p's `connectionGater`, set libp2p's `maxConnections` to
 * {@link libp2pMaxConnections}, and hand the guard to `rendezvousServer({ connectionGuard })`, which starts
 * and stops it and tells it which connections open rendezvous streams.
 */
export class ConnectionGuard {
  readonly maxConnections: number
  readonly maxPendingPerIp: number
  readonly maxUnprovenPerIp: number
  readonly idleTimeout: number
  private readonly keep: (connection: Connection) => boolean
  /** Connections closed by the guard, by reason */
  readonly closed = { idle: 0, pruned: 0 }
  /** Inbound connections the gater refused, by reason */
  readonly refused = { pending: 0, unproven: 0 }

  private readonly clock: () => number
  private readonly pending = new Map<string, number>()
  private readonly pendingOf = new WeakMap<MultiaddrConnection, string>()
  private readonly connections = new Map<string, Tracked>()
  private readonly unprovenByIp = new Map<string, number>()
  private events?: TypedEventTarget<Libp2pEvents>
  private log?: Logger
  private sweeper?: ReturnType<typeof setInterval>

  constructor (init: ConnectionGuardInit = {}) {
    this.maxConnections = positiveInteger('maxConnections', init.maxConnections, DEFAULT_GUARD_MAX_CONNECTIONS)
    this.maxPendingPerIp = positiveInteger('maxPendingPerIp', init.maxPendingPerIp, DEFAULT_MAX_PENDING_PER_IP)
    this.maxUnprovenPerIp = positiveInteger('maxUnprovenPerIp', init.maxUnprovenPerIp, DEFAULT_MAX_UNPROVEN_PER_IP)
    this.idleTimeout = positiveInteger('idleTimeout', init.idleTimeout, DEFAULT_CONNECTION_IDLE_TIMEOUT)
    this.clock = init.clock ?? Date.now
    this.keep = init.keep ?? (() => false)
    this.onOpen = this.onOpen.bind(this)
    this.onClose = this.onClose.bind(this)
  }

  /** libp2p's own connection limit: room above the guard's cap for the connections that are pruned */
  get libp2pMaxConnections (): number {
    return this.maxConnections + Math.max(64, Math.ceil(this.maxConnections / 16))
  }

  /** The gater to pass as libp2p's `connectionGater` */
  readonly gater: ConnectionGater = {
    denyInboundConnection: (maConn) => {
      const ip = ipOf(maConn.remoteAddr)
      const pending = this.pending.get(ip) ?? 0
      if (pending >= this.maxPendingPerIp) {
        this.refused.pending++
        return true
      }
      this.pending.set(ip, pending + 1)
      this.pendingOf.set(maConn, ip)
      // a handshake that fails or is cut off by the upgrade timeout ends here
      maConn.addEventListener('close', () => { this.release(maConn) }, { once: true })
      return false
    },
    denyInboundUpgradedConnection: (_peer, maConn) => {
      this.release(maConn)
      const ip = ipOf(maConn.remoteAddr)
      if ((this.unprovenByIp.get(ip) ?? 0) >= this.maxUnprovenPerIp) {
        this.refused.unproven++
        return true
      }
      return false
    }
  }

  private release (maConn: MultiaddrConnection): void {
    const ip = this.pendingOf.get(maConn)
    if (ip == null) {
      return
    }
    this.pendingOf.delete(maConn)
    const left = (this.pending.get(ip) ?? 1) - 1
    if (left <= 0) {
      this.pending.delete(ip)
    } else {
      this.pending.set(ip, left)
    }
  }

  /** Handshakes in progress from one IP address */
  pendingFrom (ip: string): number {
    return this.pending.get(ip) ?? 0
  }

  /** Connections the guard tracks */
  get size (): number {
    return this.connections.size
  }

  start (events: TypedEventTarget<Libp2pEvents>, log: Logger): void {
    this.events = events
    this.log = log
    events.addEventListener('connection:open', this.onOpen)
    events.addEventListener('connection:close', this.onClose)
    this.sweeper = setInterval(() => { this.sweep() }, Math.min(GUARD_SWEEP_INTERVAL, this.idleTimeout))
    this.sweeper.unref?.()
  }

  stop (): void {
    this.events?.removeEventListener('connection:open', this.onOpen)
    this.events?.removeEventListener('connection:close', this.onClose)
    clearInterval(this.sweeper)
    this.sweeper = undefined
    this.connections.clear()
    this.unprovenByIp.clear()
  }

  /** A peer opened a stream on this connection: it has proven it wants something, and it is active now */
  noteStream (connection: Connection): void {
    const tracked = this.connections.get(connection.id)
    if (tracked == null) {
      return
    }
    tracked.lastActive = this.clock()
    this.prove(tracked)
  }

  private prove (tracked: Tracked): void {
    if (!tracked.proven) {
      tracked.proven = true
      this.countUnproven(tracked.ip, -1)
    }
  }

  private countUnproven (ip: string, delta: number): void {
    const n = (this.unprovenByIp.get(ip) ?? 0) + delta
    if (n <= 0) {
      this.unprovenByIp.delete(ip)
    } else {
      this.unprovenByIp.set(ip, n)
    }
  }

  private onOpen (evt: CustomEvent<Connection>): void {
    const connection = evt.detail
    if (connection.direction !== 'inbound') {
      return
    }
    const tracked: Tracked = { connection, ip: ipOf(connection.remoteAddr), proven: false, lastActive: this.clock() }
    this.connections.set(connection.id, tracked)
    this.countUnproven(tracked.ip, 1)
    if (this.connections.size > this.maxConnections) {
      this.prune(this.connections.size - this.maxConnections)
    }
  }

  private onClose (evt: CustomEvent<Connection>): void {
    const tracked = this.connections.get(evt.detail.id)
    if (tracked == null) {
      return
    }
    this.connections.delete(evt.detail.id)
    if (!tracked.proven) {
      this.countUnproven(tracked.ip, -1)
    }
  }

  /** Refresh what each connection did since the last sweep and close those idle for too long */
  sweep (): void {
    const now = this.clock()
    for (const tracked of this.connections.values()) {
      const streams = tracked.connection.streams
      if (streams.length > 0) {
        tracked.lastActive = now
        if (streams.some(s => s.direction === 'inbound')) {
          this.prove(tracked)
        }
      } else if (now - tracked.lastActive >= this.idleTimeout && !this.keep(tracked.connection)) {
        this.closed.idle++
        this.close(tracked, 'idle')
      }
    }
  }

  /** Close `count` connections: those without streams first, never proven before proven, longest idle first */
  private prune (count: number): void {
    const candidates = [...this.connections.values()]
      .filter(t => t.connection.streams.length === 0 && !this.keep(t.connection))
      .sort((a, b) => Number(a.proven) - Number(b.proven) || a.lastActive - b.lastActive)
    for (const tracked of candidates.slice(0, count)) {
      this.closed.pruned++
      this.close(tracked, 'pruned')
    }
  }

  private close (tracked: Tracked, why: string): void {
    this.connections.delete(tracked.connection.id)
    if (!tracked.proven) {
      this.countUnproven(tracked.ip, -1)
    }
    this.log?.trace('closing %s connection from %a', why, tracked.connection.remoteAddr)
    tracked.connection.close().catch(err => { tracked.connection.abort(err) })
  }
}
