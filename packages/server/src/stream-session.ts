import { CodecError, encodeMessageFrame, FrameDecoder, isRequest, Status } from '@rendezvous/codec'
import { PIPELINE_FRAMES } from './constants.ts'
import { ServerStoppingError, StreamOverflowError, StreamTimeoutError, UnexpectedMessageError } from './errors.ts'
import type { ServerConfig } from './config.ts'
import type { RequestHandler } from './request-handler.ts'
import type { StatsRecorder } from './stats.ts'
import type { Connection, Logger, Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import type { Dialect, RendezvousResponse } from '@rendezvous/codec'

/** Errors that mean the remote went away, which is how go-waku-rendezvous clients end every stream */
const REMOTE_GONE = new Set(['StreamResetError', 'StreamAbortedError', 'StreamClosedError', 'ConnectionClosedError'])

/**
 * The last REGISTER OK frame encoded for each dialect, with the TTL it grants. A refresh storm answers the
 * same bytes over and over (the TTL is the only field, and peers ask for the same one), so the frame is
 * encoded once; the bytes are only read after `send`, never changed.
 */
const registerOk = new WeakMap<Dialect, { ttl: number | undefined, frame: Uint8Array }>()

function responseFrame (dialect: Dialect, response: RendezvousResponse): Uint8Array {
  if (response.type !== 'REGISTER_RESPONSE' || response.status !== Status.OK || response.statusText !== '') {
    return encodeMessageFrame(dialect, response)
  }
  const last = registerOk.get(dialect)
  if (last != null && last.ttl === response.ttl) {
    return last.frame
  }
  const frame = encodeMessageFrame(dialect, response)
  registerOk.set(dialect, { ttl: response.ttl, frame })
  return frame
}

/**
 * One inbound stream: takes frames as the muxer delivers them ('message' events, no async iterator),
 * answers each request as soon as it is decoded (several per stream, or one and then closes, as the dialect
 * says), and cuts the stream off when a request does not arrive in time. Never throws; tells `onEnd` once
 * when the stream has ended, one way or another.
 *
 * Per REGISTER this is a fixed, small cost next to the stack's own (docs/performance.md, issue 13), kept so
 * on purpose: one timer per stream, set once and moved only when a wait must end sooner than it fires (a
 * wait is a deadline; a timer that fires before its deadline sets itself again for the rest); no promise
 * per stream unless `stop()` asks for one; listeners left on the stream when it ends (it is closed by then
 * and goes with them, and taking them off costs more than the rest of the session).
 */
export class StreamSession {
  private readonly dialect: Dialect
  private readonly stream: Stream
  private readonly connection: Connection
  private readonly config: ServerConfig
  private readonly handler: RequestHandler
  private readonly stats: StatsRecorder
  private readonly log: Logger
  private readonly onEnd: (session: StreamSession) => void
  private readonly decoder: FrameDecoder
  private readonly maxUnread: number
  private timer?: ReturnType<typeof setTimeout>
  /** When the timer fires, on `performance.now()`'s clock */
  private timerAt = 0
  /** When the wait armed last runs out (`Infinity`: nothing is awaited), on `performance.now()`'s clock */
  private deadline = Infinity
  /** What the wait stands for, for the log line and the error */
  private waitingFor = ''
  private waitMs = 0
  /** A request is being handled or answered: shutdown waits for it, and frames wait in the decoder */
  private busy = false
  private stopping = false
  private remoteEnded = false
  private ended = false
  private endedPromise?: Promise<void>
  private resolveEnded?: () => void

  constructor (dialect: Dialect, stream: Stream, connection: Connection, config: ServerConfig, handler: RequestHandler, stats: StatsRecorder, log: Logger, onEnd: (session: StreamSession) => void) {
    this.dialect = dialect
    this.stream = stream
    this.connection = connection
    this.config = config
    this.handler = handler
    this.stats = stats
    this.log = log
    this.onEnd = onEnd
    const maxRequestBytes = Math.min(config.maxRequestBytes, dialect.limits.maxRequestBytes)
    this.decoder = new FrameDecoder({ maxFrameBytes: maxRequestBytes })
    // bytes taken from the muxer but not answered yet: a peer pipelining requests faster than they are
    // answered would otherwise make the session queue its input without bound
    this.maxUnread = maxRequestBytes * PIPELINE_FRAMES
    this.onTimer = this.onTimer.bind(this)
  }

  /**
   * The session is the stream's listener for its three events (an object with `handleEvent`, as
   * EventTarget allows), so no function is made per event type per stream
   */
  handleEvent (evt: Event): void {
    switch (evt.type) {
      case 'message':
        this.onMessage(evt as StreamMessageEvent)
        break
      case 'remoteCloseWrite':
        this.onRemoteCloseWrite()
        break
      case 'close':
        this.onClose(evt as StreamCloseEvent)
        break
      default:
    }
  }

  /** Stop taking requests: an idle stream is aborted now, a busy one after its answer */
  shutdown (): void {
    this.stopping = true
    if (!this.busy) {
      this.abort(new ServerStoppingError())
    }
  }

  /** Abort the stream whatever it is doing */
  abort (err: Error): void {
    this.stream.abort(err)
    this.finish()
  }

  /** Resolves once the stream has ended (a promise is only made for a caller that asks, such as `stop()`) */
  async whenEnded (): Promise<void> {
    if (this.ended) {
      return
    }
    this.endedPromise ??= new Promise<void>(resolve => { this.resolveEnded = resolve })
    return this.endedPromise
  }

  /** Serve the stream: returns at once, the session runs on the stream's events */
  run (): void {
    const { stream } = this
    stream.addEventListener('message', this)
    stream.addEventListener('remoteCloseWrite', this)
    stream.addEventListener('close', this)
    // the first request is due soon after the stream opens; later ones may follow an idle pause
    this.arm(this.config.streamTimeout, 'no complete request')
    if (stream.status !== 'open') {
      this.finish()
    }
  }

  /** Wait at most `ms` from now for `what` */
  private arm (ms: number, what: string): void {
    this.waitingFor = what
    this.waitMs = ms
    const deadline = performance.now() + ms
    this.deadline = deadline
    if (this.timer != null && this.timerAt <= deadline) {
      // fires in time: then it sets itself again for the rest
      return
    }
    if (this.timer != null) {
      clearTimeout(this.timer)
    }
    this.timerAt = deadline
    this.timer = setTimeout(this.onTimer, ms)
  }

  /** Nothing is awaited from the peer (a request is being answered): the timer, if it fires, lapses */
  private disarm (): void {
    this.deadline = Infinity
  }

  private onTimer (): void {
    this.timer = undefined
    if (this.ended || this.deadline === Infinity) {
      return
    }
    const left = this.deadline - performance.now()
    if (left > 0) {
      this.timerAt = this.deadline
      this.timer = setTimeout(this.onTimer, Math.ceil(left))
      return
    }
    this.stats.streamTimedOut()
    this.log('%s stream from %p timed out: %s', this.dialect.name, this.connection.remotePeer, this.waitingFor)
    this.stream.abort(new StreamTimeoutError(`${this.waitingFor} within ${this.waitMs} ms`))
    this.finish()
  }

  private onMessage (evt: StreamMessageEvent): void {
    if (this.ended) {
      return
    }
    const idle = this.decoder.bufferedBytes === 0 && !this.busy
    try {
      this.decoder.push(evt.data)
    } catch (err: any) {
      this.fail(err)
      return
    }
    if (this.decoder.bufferedBytes > this.maxUnread) {
      this.stats.streamMalformed()
      this.log('%s stream from %p sent more than %d bytes ahead of the answers', this.dialect.name, this.connection.remotePeer, this.maxUnread)
      this.abort(new StreamOverflowError(`more than ${this.maxUnread} bytes sent ahead of the answers`))
      return
    }
    if (this.busy) {
      return
    }
    this.drain(false)
    if (idle && !this.busy && !this.ended && this.decoder.bufferedBytes > 0) {
      // the first bytes of a request, not all of it: the rest must follow promptly (a request that came
      // whole is being answered, and nothing is awaited from the peer meanwhile)
      this.arm(this.config.streamTimeout, 'request incomplete')
    }
  }

  /**
   * Answer the next complete request in the decoder, if there is one. `answered` says whether one was
   * just answered: only then does the wait start again (a dripped request keeps its deadline)
   */
  private drain (answered: boolean): void {
    let frame: Uint8Array | undefined
    try {
      frame = this.decoder.next()
    } catch (err: any) {
      this.fail(err)
      return
    }
    if (frame == null) {
      if (answered || this.remoteEnded) {
        this.afterAnswers()
      }
      return
    }
    this.busy = true
    this.disarm()
    void this.answer(frame)
  }

  /** Nothing complete is left to answer: wait for more, or end */
  private afterAnswers (): void {
    if (this.remoteEnded) {
      try {
        this.decoder.end()
      } catch (err: any) {
        this.fail(err)
        return
      }
      this.closeGracefully()
      return
    }
    if (this.decoder.bufferedBytes > 0) {
      this.arm(this.config.streamTimeout, 'request incomplete')
    } else {
      this.arm(this.config.idleTimeout, 'no request after the last answer')
    }
  }

  private onRemoteCloseWrite (): void {
    this.remoteEnded = true
    if (!this.busy && !this.ended) {
      this.afterAnswers()
    }
  }

  private onClose (evt: StreamCloseEvent): void {
    if (this.ended) {
      return
    }
    if (evt.error != null && !this.busy) {
      this.log.trace('%s stream from %p ended by the remote - %e', this.dialect.name, this.connection.remotePeer, evt.error)
    }
    this.finish()
  }

  /** Decode, handle and answer one request, then go on with the next (never rejects) */
  private async answer (frame: Uint8Array): Promise<void> {
    const { stream, dialect } = this
    try {
      const request = dialect.decode(frame)
      if (!isRequest(request)) {
        // go-waku-rendezvous ends the stream without an answer too
        throw new UnexpectedMessageError(`a client does not send ${request.type}`)
      }
      const started = performance.now()
      const response = await this.handler.handle(dialect, request, this.connection.remotePeer)
      if (response != null && stream.writeStatus === 'writable' && !stream.send(responseFrame(dialect, response))) {
        // the one timer guards the wait: a peer that stops reading answers is cut off
        this.arm(this.config.streamTimeout, 'the peer to read the answer')
        await stream.onDrain()
        this.disarm()
      }
      this.stats.request(dialect, request.type, response == null ? '-' : dialect.statusName(response.status), (performance.now() - started) / 1000)
    } catch (err: any) {
      this.busy = false
      this.fail(err)
      return
    }
    this.busy = false
    if (this.ended) {
      return
    }
    if (this.stopping || dialect.requestsPerStream === 'one') {
      this.closeGracefully()
      return
    }
    this.drain(true)
  }

  /**
   * Close our side; a peer that never closes its side is cut off by the timer. With nothing left to send
   * the closing frame goes out at once, in the same turn as an answer just sent
   */
  private closeGracefully (): void {
    if (this.stream.status !== 'open') {
      this.finish()
      return
    }
    this.arm(this.config.streamTimeout, 'the peer to close the stream')
    void this.close()
  }

  private async close (): Promise<void> {
    try {
      await this.stream.close()
    } catch (err: any) {
      this.stream.abort(err)
    }
    this.finish()
  }

  private fail (err: any): void {
    const { stream, dialect } = this
    const peer = this.connection.remotePeer
    if (err instanceof StreamTimeoutError || err instanceof ServerStoppingError || err instanceof StreamOverflowError) {
      // already counted and logged
    } else if (REMOTE_GONE.has(err?.name) || stream.status === 'reset') {
      this.log.trace('%s stream from %p ended by the remote - %e', dialect.name, peer, err)
    } else if (err?.name === 'AbortError' || err?.name === 'TimeoutError') {
      this.stats.streamTimedOut()
      this.log('%s stream from %p stopped reading our answers - %e', dialect.name, peer, err)
    } else if (err instanceof UnexpectedMessageError || err instanceof CodecError) {
      this.stats.streamMalformed()
      this.log('%s stream from %p sent a malformed request - %e', dialect.name, peer, err)
    } else {
      this.log.error('%s stream from %p failed - %e', dialect.name, peer, err)
    }
    this.abort(err instanceof Error ? err : new Error(String(err)))
  }

  private finish (): void {
    if (this.ended) {
      return
    }
    this.ended = true
    this.deadline = Infinity
    if (this.timer != null) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    this.resolveEnded?.()
    this.onEnd(this)
  }
}
