import { InvalidLivenessConfigError, PeerUnresponsiveError } from './errors.ts'
import type { AbortOptions, MessageStream, Startable, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'

/** A muxer that can ping its peer without opening a stream: Yamux sends a ping frame and waits for its echo */
interface PingingMuxer extends StreamMuxer {
  ping(options?: AbortOptions): Promise<number>
}

function canPing (muxer: StreamMuxer): muxer is PingingMuxer {
  return typeof (muxer as Partial<PingingMuxer>).ping === 'function'
}

/**
 * The watched muxers are pinged in this many slices, one slice per `interval / SLICES`, so that a point with
 * thousands of connections sends a few hundred ping frames at a time instead of one burst of all of them
 */
const SLICES = 10

/** What a {@link MuxerLiveness} is built with, in milliseconds */
export interface MuxerLivenessInit {
  /** How often each connection is pinged */
  interval: number
  /** How long a ping may wait for its answer before the connection is closed */
  timeout: number
}

/** What a {@link MuxerLiveness} has done since it was made */
export interface MuxerLivenessStats {
  /** Pings sent */
  pinged: number
  /** Pings answered within the timeout */
  answered: number
  /** Connections closed because their peer did not answer in time */
  closed: number
}

function positiveMs (name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidLivenessConfigError(`${name} must be a whole number of milliseconds above 0, got ${String(value)}`)
  }
  return value
}

/**
 * Finds peers that vanished without closing their connection (a host gone, a process stopped, a cable
 * pulled) with the stream muxer's own ping frames, and closes their connections.
 *
 * Why not js-libp2p's connection monitor: it opens a new stream on every connection at each interval, runs
 * multistream-select on it and echoes 32 bytes, for all connections in one burst. At thousands of idle
 * connections those streams and their garbage are most of the point's memory and of the background CPU
 * (docs/performance.md, "Memory per idle connection"). A Yamux ping is one 12-byte frame each way on the
 * open connection: no stream, no protocol negotiation. Yamux's own keep-alive sends such pings too, but
 * only logs an unanswered one and keeps the connection; this closes it. Its pings keep a connection open
 * through NATs as the keep-alive does, so the keep-alive (a timer and an abort controller per connection)
 * can be turned off beside it, as the daemon does.
 *
 * Wrap the node's stream muxer with {@link watch} and run this as a libp2p service (it is {@link Startable}):
 *
 * ```ts excerpt
 * const liveness = new MuxerLiveness({ interval: 30_000, timeout: 10_000 })
 * await createLibp2p({
 *   streamMuxers: [liveness.watch(yamux({ enableKeepAlive: false }))],
 *   connectionMonitor: { enabled: false },
 *   services: { liveness: () => liveness }
 * })
 * ```
 *
 * Each connection is pinged once per `interval` (the connections are spread over ten slices, pinged one
 * slice at a time); a connection whose ping is not answered within `timeout` is aborted with a
 * {@link PeerUnresponsiveError}. A vanished peer is therefore found at most `interval + timeout` after it
 * last answered. An answer that arrived in time but was not read because the point was busy (a long task
 * blocking the event loop) still counts: the verdict is given only after the sockets have been read.
 * Muxers that cannot ping (none but Yamux's can) are not watched.
 */
export class MuxerLiveness implements Startable {
  readonly interval: number
  readonly timeout: number
  readonly stats: MuxerLivenessStats = { pinged: 0, answered: 0, closed: 0 }
  private readonly slices: Array<Map<PingingMuxer, MessageStream>> = Array.from({ length: SLICES }, () => new Map())
  private added = 0
  private round = 0
  private timer?: ReturnType<typeof setInterval>
  /**
   * The number of each muxer's ping that is not answered yet (weak: the ping of a closed connection is never
   * settled); a check judges only the ping it was set for, never a later one of the same connection
   */
  private readonly unanswered = new WeakMap<PingingMuxer, number>()
  /** The pending checks of the pinged slices */
  private readonly checks = new Set<ReturnType<typeof setTimeout>>()

  constructor (init: MuxerLivenessInit) {
    this.interval = positiveMs('interval', init.interval)
    this.timeout = positiveMs('timeout', init.timeout)
  }

  readonly [Symbol.toStringTag] = '@rendezvous/cli/muxer-liveness'

  /** Connections watched now */
  get watched (): number {
    return this.slices.reduce((n, slice) => n + slice.size, 0)
  }

  /**
   * The stream muxer factory `factory` makes (as libp2p's `streamMuxers` take it), with every muxer it
   * creates watched until its connection closes
   */
  watch<Components> (factory: (components: Components) => StreamMuxerFactory): (components: Components) => StreamMuxerFactory {
    return (components) => {
      const inner = factory(components)
      return {
        protocol: inner.protocol,
        createStreamMuxer: (maConn: MessageStream): StreamMuxer => {
          const muxer = inner.createStreamMuxer(maConn)
          if (canPing(muxer)) {
            this.add(muxer, maConn)
          }
          return muxer
        }
      }
    }
  }

  start (): void {
    if (this.timer != null) {
      return
    }
    this.timer = setInterval(() => { this.pingSlice() }, Math.max(1, Math.floor(this.interval / SLICES)))
    // the node's sockets keep the process alive, not this timer
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.checks.forEach(check => { clearTimeout(check) })
    this.checks.clear()
    this.slices.forEach(slice => { slice.clear() })
  }

  private add (muxer: PingingMuxer, maConn: MessageStream): void {
    const slice = this.slices[this.added++ % SLICES]
    slice.set(muxer, maConn)
    maConn.addEventListener('close', () => { slice.delete(muxer) }, { once: true })
  }

  private pingSlice (): void {
    const slice = this.slices[this.round++ % SLICES]
    const pinged: Array<[PingingMuxer, MessageStream, number]> = []
    for (const [muxer, maConn] of slice) {
      // a ping still unanswered is judged by its own check; Yamux sends one ping at a time anyway
      if (muxer.status !== 'open' || this.unanswered.has(muxer)) {
        continue
      }
      const ping = ++this.stats.pinged
      this.unanswered.set(muxer, ping)
      pinged.push([muxer, maConn, ping])
      // no signal: an abandoned Yamux ping would turn its late answer into a protocol error that aborts the
      // connection; the ping of a vanished peer is dropped with its connection
      muxer.ping().then(() => {
        this.unanswered.delete(muxer)
        this.stats.answered++
      }, () => {
        this.unanswered.delete(muxer)
      })
    }
    if (pinged.length === 0) {
      return
    }
    // one timer for the slice. The verdict waits for setImmediate, which runs after the event loop's poll
    // phase has read the sockets: a point that was too busy to read answers in time (a long task, a
    // collection) reads them first and closes no connection whose peer did answer
    const check = setTimeout(() => {
      setImmediate(() => {
        this.checks.delete(check)
        if (this.timer == null) {
          return
        }
        for (const [muxer, maConn, ping] of pinged) {
          if (this.unanswered.get(muxer) === ping && maConn.status === 'open') {
            this.stats.closed++
            slice.delete(muxer)
            maConn.abort(new PeerUnresponsiveError(`the peer did not answer a ping within ${this.timeout} ms`))
          }
        }
      })
    }, this.timeout)
    check.unref()
    this.checks.add(check)
  }
}
