import { encodeMessageFrame } from '@rendezvous/codec'
import { setMaxListeners } from 'main-event'
import { PointUnreachableError, RendezvousProtocolError, RendezvousTimeoutError } from './errors.ts'
import { readFrame, wrapCodecError, writeBytes } from './stream-frames.ts'
import { timeoutSignal } from './time.ts'
import type { Point } from './point.ts'
import type { Counters } from './stats.ts'
import type { Timers } from './time.ts'
import type { AbortOptions, PeerStore, Stream } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import type { Dialect, RendezvousRequest, RendezvousResponse } from '@rendezvous/codec'

/** What the exchange needs */
export interface ExchangeInit {
  connectionManager: ConnectionManager
  peerStore: PeerStore
  /** The dialects to negotiate with points that have none configured, most preferred first */
  dialects: readonly Dialect[]
  /** Milliseconds one request (dial, negotiation, request and response) may take */
  timeout: number
  /** Largest response frame accepted, in bytes */
  maxResponseBytes: number
  /** Milliseconds to linger for a point to close a finished stream before resetting it */
  streamLinger: number
  timers: Timers
  counters: Counters
}

/** Builds the request once the dialect is known; `undefined` sends nothing (a dialect without the message) */
export type RequestBuilder = (dialect: Dialect) => RendezvousRequest | undefined | Promise<RendezvousRequest | undefined>

/** What one exchange with a point came to */
export interface ExchangeResult {
  /** The answer; absent for a message that has none (UNREGISTER) or when nothing was sent */
  response?: RendezvousResponse
  /** The dialect spoken */
  dialect: Dialect
  /** Whether the request went out */
  sent: boolean
}

/**
 * The request exchange: one request to a point on a new stream, in the dialect negotiated with it, within
 * the request timeout, and its answer. Dialing, negotiation, framing, the timeout and the counters of
 * requests and failures live here; what to ask and what an answer means is the caller's.
 */
export class RequestExchange {
  private readonly init: ExchangeInit

  constructor (init: ExchangeInit) {
    this.init = init
  }

  /**
   * One request on a new stream. The write side stays open until the response has been read, and
   * whatever the point does with the stream after answering is ignored. `expect` undefined: the message
   * has no answer, the stream is closed once it is flushed.
   *
   * @throws {PointUnreachableError} when no stream to the point opens in any of the dialects
   * @throws {RendezvousTimeoutError} when the request timeout runs out first
   * @throws {RendezvousProtocolError} for an unreadable answer or one of another type
   */
  async request (point: Point, build: RequestBuilder, expect: RendezvousResponse['type'] | undefined, options: AbortOptions): Promise<ExchangeResult> {
    const { counters, timers } = this.init
    const timeout = timeoutSignal(timers, this.init.timeout)
    const signal = options.signal == null ? timeout.signal : AbortSignal.any([timeout.signal, options.signal])
    setMaxListeners(Infinity, signal)
    counters.requests++
    let stream: Stream | undefined

    try {
      const dialects = await this.protocolsFor(point)
      try {
        const connection = await this.init.connectionManager.openConnection(point.multiaddr ?? point.peerId, { signal })
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

      const frame = await readFrame(stream, this.init.maxResponseBytes, signal)
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
      counters.failedRequests++
      if (options.signal?.aborted === true) {
        throw options.signal.reason
      }
      if (timeout.signal.aborted) {
        throw new RendezvousTimeoutError(`rendezvous point ${point} did not answer within ${this.init.timeout} ms`)
      }
      if (err instanceof RendezvousProtocolError) {
        counters.droppedResponses++
      }
      throw err
    } finally {
      timeout.dispose()
    }
  }

  /** The protocols to propose to a point, most likely first */
  private async protocolsFor (point: Point): Promise<Dialect[]> {
    if (point.dialect != null) {
      return [point.dialect]
    }
    let candidates = [...this.init.dialects]
    try {
      const peer = await this.init.peerStore.get(point.peerId)
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

  /** Close our side after the answer; reset a stream the point leaves open */
  private finish (stream: Stream): void {
    const { timers, streamLinger } = this.init
    const linger = timeoutSignal(timers, streamLinger)
    stream.addEventListener('close', () => { linger.dispose() }, { once: true })
    stream.close({ signal: linger.signal }).catch(err => {
      // a reset after the answer is how Go points end every exchange: not an error
      stream.abort(err)
    })
  }
}
