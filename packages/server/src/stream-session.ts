import { CodecError, encodeMessageFrame, FrameDecoder, isRequest } from '@rendezvous/codec'
import { PIPELINE_FRAMES } from './constants.ts'
import { ServerStoppingError, StreamOverflowError, StreamTimeoutError, UnexpectedMessageError } from './errors.ts'
import type { ServerConfig } from './config.ts'
import type { RequestHandler } from './request-handler.ts'
import type { StatsRecorder } from './stats.ts'
import type { Connection, Logger, Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/** Errors that mean the remote went away, which is how go-waku-rendezvous clients end every stream */
const REMOTE_GONE = new Set(['StreamResetError', 'StreamAbortedError', 'StreamClosedError', 'ConnectionClosedError'])

/**
 * One inbound stream: takes frames as the muxer delivers them ('message' events, no async iterator),
 * answers each request as soon as it is decoded (several per stream, or one and then closes, as the dialect
 * says), and cuts the stream off when a request does not arrive in time. One timer per stream, re-armed in
 * place. Never rejects.
 *
 * Per REGISTER this is a fixed, small cost next to the stack's own (docs/performance.md): the async
 * iterator, a timer per frame and a timeout signal per close that the first version had are gone.
 */
export class StreamSession {
  private readonly dialect: Dialect
  private readonly stream: Stream
  private readonly connection: Connection
  private readonly config: ServerConfig
  private readonly handler: RequestHandler
  private readonly stats: StatsRecorder
  private readonly log: Logger
  private readonly decoder: FrameDecoder
  private readonly maxUnread: number
  private timer?: ReturnType<typeof setTimeout>
  /** What the armed timer stands for, for the log line and the error */
  private waitingFor = ''
  private waitMs = 0
  /** A request is being handled or answered: shutdown waits for it, and frames wait in the decoder */
  private busy = false
  private stopping = false
  private remoteEnded = false
  private ended = false
  private resolveDone?: () => void

  constructor (dialect: Dialect, stream: Stream, connection: Connection, config: ServerConfig, handler: RequestHandler, stats: StatsRecorder, log: Logger) {
    this.dialect = dialect
    this.stream = stream
    this.connection = connection
    this.config = config
    this.handler = handler
    this.stats = stats
    this.log = log
    const maxRequestBytes = Math.min(config.maxRequestBytes, dialect.limits.maxRequestBytes)
    this.decoder = new FrameDecoder({ maxFrameBytes: maxRequestBytes })
    // bytes taken from the muxer but not answered yet: a peer pipelining requests faster than they are
    // answered would otherwise make the session queue its input without bound
    this.maxUnread = maxRequestBytes * PIPELINE_FRAMES
    this.onMessage = this.onMessage.bind(this)
    this.onRemoteCloseWrite = this.onRemoteCloseWrite.bind(this)
    this.onClose = this.onClose.bind(this)
    this.onTimeout = this.onTimeout.bind(this)
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
    this.clearTimer()
    this.stream.abort(err)
    this.finish()
  }

  /** Serve the stream; resolves when it has ended, one way or another */
  async run (): Promise<void> {
    const done = new Promise<void>(resolve => { this.resolveDone = resolve })
    const { stream } = this
    stream.addEventListener('message', this.onMessage)
    stream.addEventListener('remoteCloseWrite', this.onRemoteCloseWrite)
    stream.addEventListener('close', this.onClose)
    // the first request is due soon after the stream opens; later ones may follow an idle pause
    this.arm(this.config.streamTimeout, 'no complete request')
    if (stream.status !== 'open') {
      this.finish()
    }
    return done
  }

  private arm (ms: number, what: string): void {
    this.waitingFor = what
    if (this.timer != null && this.waitMs === ms) {
      this.timer.refresh()
      return
    }
    this.clearTimer()
    this.waitMs = ms
    this.timer = setTimeout(this.onTimeout, ms)
  }

  private clearTimer (): void {
    if (this.timer != null) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
  }

  private onTimeout (): void {
    this.timer = undefined
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
    if (idle) {
      // the first byte of a request: the rest must follow promptly
      this.arm(this.config.streamTimeout, 'request incomplete')
    }
    this.drain()
  }

  /**
   * Answer every complete request in the decoder, one after the other. `answered` says whether one was
   * just answered: only then does the wait start again (a dripped request keeps its deadline)
   */
  private drain (answered = false): void {
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
    this.clearTimer()
    this.answer(frame).then(() => {
      this.busy = false
      if (this.ended) {
        return
      }
      if (this.stopping || this.dialect.requestsPerStream === 'one') {
        this.closeGracefully()
        return
      }
      this.drain(true)
    }, (err) => {
      this.busy = false
      this.fail(err)
    })
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

  private async answer (frame: Uint8Array): Promise<void> {
    const { stream, dialect } = this
    const request = dialect.decode(frame)
    if (!isRequest(request)) {
      // go-waku-rendezvous ends the stream without an answer too
      throw new UnexpectedMessageError(`a client does not send ${request.type}`)
    }
    const started = performance.now()
    const response = await this.handler.handle(dialect, request, this.connection.remotePeer)
    if (response != null && stream.writeStatus === 'writable') {
      if (!stream.send(encodeMessageFrame(dialect, response))) {
        // the one timer guards the wait: a peer that stops reading answers is cut off
        this.arm(this.config.streamTimeout, 'the peer to read the answer')
        await stream.onDrain()
        this.clearTimer()
      }
    }
    this.stats.request(dialect, request.type, response == null ? '-' : dialect.statusName(response.status), (performance.now() - started) / 1000)
  }

  /** Close our side; a peer that never closes its side is cut off by the timer */
  private closeGracefully (): void {
    if (this.stream.status !== 'open') {
      this.finish()
      return
    }
    this.arm(this.config.streamTimeout, 'the peer to close the stream')
    this.stream.close().then(() => { this.finish() }, (err) => {
      this.stream.abort(err)
      this.finish()
    })
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
    this.clearTimer()
    this.stream.removeEventListener('message', this.onMessage)
    this.stream.removeEventListener('remoteCloseWrite', this.onRemoteCloseWrite)
    this.stream.removeEventListener('close', this.onClose)
    this.resolveDone?.()
  }
}
