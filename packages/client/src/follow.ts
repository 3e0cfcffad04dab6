import { decodeFollowEvent, encodeFollowRequest, encodeFrame, FOLLOW_PROTOCOL, FrameDecoder, RECORD_FORMATS } from '@rendezvous/codec'
import { FollowUnsupportedError } from './errors.ts'
import { wrapCodecError } from './stream-frames.ts'
import { timeoutSignal } from './time.ts'
import { verifyRegistrations } from './verify.ts'
import type { Point, PointInput } from './point.ts'
import type { Timers } from './time.ts'
import type { DiscoveredRegistration } from './verify.ts'
import type { AbortOptions, PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

/** Options of {@link RendezvousClient.follow} */
export interface FollowOptions extends AbortOptions {
  /** Follow at this point (default: the first configured point) */
  point?: PointInput
  /**
   * A cookie of this namespace from this point (a DISCOVER's, or a batch's): only registrations after it
   * are sent. Without it, every live registration of the namespace comes first.
   */
  cookie?: Uint8Array
}

/** Registrations a point pushed to a follower */
export interface FollowBatch {
  /** Verified registrations; the ones that failed verification are counted in the client's stats */
  registrations: DiscoveredRegistration[]
  /** Resumes after this batch: pass it as `cookie` to follow again (or to DISCOVER) after a disconnection */
  cookie?: Uint8Array
  /** The backlog has been sent: from this batch on, registrations arrive as the point stores them */
  live: boolean
  /** The point */
  point: PeerId
}

/** What following needs from the client */
export interface FollowContext {
  connectionManager: ConnectionManager
  maxResponseBytes: number
  /** Milliseconds the dial and protocol negotiation may take */
  timeout: number
  /** The timers the opening timeout runs on */
  timers: Timers
  onDrop(reason: string): void
}

/**
 * Follow a namespace at one point over `/rendezvous/follow/1.0.0` (docs/protocol.md, "Follow"): what the
 * point holds after the cookie first, then each registration as the point stores it, until the signal
 * aborts, the consumer stops iterating, or the point ends the stream (the generator then returns).
 *
 * @throws {FollowUnsupportedError} when the point does not speak the follow protocol
 * @throws {RendezvousProtocolError} for a frame that is not a follow event
 */
export async function * followAt (context: FollowContext, point: Point, namespace: string, options: FollowOptions = {}): AsyncGenerator<FollowBatch, void, undefined> {
  const controller = new AbortController()
  const signal = options.signal == null ? controller.signal : AbortSignal.any([options.signal, controller.signal])
  const openingTimeout = timeoutSignal(context.timers, context.timeout)
  const opening = AbortSignal.any([signal, openingTimeout.signal])
  let stream: Stream
  try {
    const connection = await context.connectionManager.openConnection(point.multiaddr ?? point.peerId, { signal: opening })
    stream = await connection.newStream(FOLLOW_PROTOCOL, { signal: opening })
  } catch (err: any) {
    if (err?.name === 'UnsupportedProtocolError') {
      throw new FollowUnsupportedError(`${point.peerId.toString()} does not speak ${FOLLOW_PROTOCOL}`, { cause: err })
    }
    throw err
  } finally {
    openingTimeout.dispose()
  }
  const onAbort = (): void => { stream.abort(signal.reason) }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    stream.send(encodeFrame(encodeFollowRequest({ ns: namespace, cookie: options.cookie, formats: RECORD_FORMATS.map(f => f.name) })))
    const decoder = new FrameDecoder({ maxFrameBytes: context.maxResponseBytes })
    for await (const chunk of stream) {
      let frames: Uint8Array[]
      try {
        decoder.push(chunk)
        frames = []
        for (let frame = decoder.next(); frame != null; frame = decoder.next()) {
          frames.push(frame)
        }
      } catch (err: any) {
        throw wrapCodecError(err, 'unreadable follow event')
      }
      for (const frame of frames) {
        let event
        try {
          event = decodeFollowEvent(frame)
        } catch (err: any) {
          throw wrapCodecError(err, 'not a follow event')
        }
        const registrations = await verifyRegistrations(event.registrations, namespace, point.peerId, { signal, onDrop: context.onDrop })
        yield { registrations, cookie: event.cookie, live: event.live, point: point.peerId }
      }
    }
  } catch (err: any) {
    if (signal.aborted) {
      return
    }
    throw err
  } finally {
    signal.removeEventListener('abort', onAbort)
    controller.abort()
    if (stream.status === 'open') {
      stream.abort(new Error('the follower stopped'))
    }
  }
}
