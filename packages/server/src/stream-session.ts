import { CodecError, encodeMessageFrame, FrameDecoder, isRequest } from '@rendezvous/codec'
import { PIPELINE_FRAMES } from './constants.ts'
import { ServerStoppingError, StreamOverflowError, StreamTimeoutError, UnexpectedMessageError } from './errors.ts'
import type { ServerConfig } from './config.ts'
import type { RequestHandler } from './request-handler.ts'
import type { StatsRecorder } from './stats.ts'
import type { Connection, Logger, Stream, StreamMessageEvent } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/** Errors that mean the remote went away, which is how go-waku-rendezvous clients end every stream */
const REMOTE_GONE = new Set(['StreamResetError', 'StreamAbortedError', 'StreamClosedError', 'ConnectionClosedError'])

/**
 * One inbound stream: reads frames as they arrive, answers each request as soon as it is decoded (several
 * per stream, or one and then closes, as the dialect says), and cuts the stream off when a request does not
 * arrive in time. Never rejects.
 */
export class StreamSession {
  private readonly dialect: Dialect
  private readonly stream: Stream
  private readonly connection: Connection
  private readonly config: ServerConfig
  private readonly handler: RequestHandler
  private readonly stats: StatsRecorder
  private readonly log: Logger
  private timer?: ReturnType<typeof setTimeout>
  /** A request is being handled or answered: shutdown waits for it */
  private busy = false
  private stopping = false

  constructor (dialect: Dialect, stream: Stream, connection: Connection, config: ServerConfig, handler: RequestHandler, stats: StatsRecorder, log: Logger) {
    this.dialect = dialect
    this.stream = stream
    this.connection = connection
    this.config = config
    this.handler = handler
    this.stats = stats
    this.log = log
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
  }

  private arm (ms: number, what: string): void {
    this.clearTimer()
    this.timer = setTimeout(() => {
      this.stats.streamTimedOut()
      this.log('%s stream from %p timed out: %s', this.dialect.name, this.connection.remotePeer, what)
      this.stream.abort(new StreamTimeoutError(`${what} within ${ms} ms`))
    }, ms)
  }

  private clearTimer (): void {
    if (this.timer != null) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
  }

  async run (): Promise<void> {
    const { stream, config } = this
    const maxRequestBytes = Math.min(config.maxRequestBytes, this.dialect.limits.maxRequestBytes)
    const decoder = new FrameDecoder({ maxFrameBytes: maxRequestBytes })
    // bytes delivered by the muxer but not yet taken by the loop below: a peer pipelining requests faster than
    // they are answered would otherwise make the iterator's queue grow without bound
    let unread = 0
    const maxUnread = maxRequestBytes * PIPELINE_FRAMES
    const onMessage = (evt: StreamMessageEvent): void => {
      unread += evt.data.byteLength
      if (unread > maxUnread) {
        this.stats.streamMalformed()
        this.log('%s stream from %p sent more than %d bytes ahead of the answers', this.dialect.name, this.connection.remotePeer, maxUnread)
        this.abort(new StreamOverflowError(`more than ${maxUnread} bytes sent ahead of the answers`))
      }
    }
    stream.addEventListener('message', onMessage)
    // the first request is due soon after the stream opens; later ones may follow an idle pause
    let idle = false
    this.arm(config.streamTimeout, 'no complete request')
    try {
      for await (const chunk of stream) {
        unread -= chunk.byteLength
        if (idle && decoder.bufferedBytes === 0) {
          idle = false
          this.arm(config.streamTimeout, 'request incomplete')
        }
        decoder.push(chunk)
        for (let frame = decoder.next(); frame != null; frame = decoder.next()) {
          this.clearTimer()
          await this.answer(frame)
          if (this.stopping || this.dialect.requestsPerStream === 'one') {
            await this.closeGracefully()
            return
          }
          if (decoder.bufferedBytes > 0) {
            this.arm(config.streamTimeout, 'request incomplete')
          } else {
            idle = true
            this.arm(config.idleTimeout, 'no request after the last answer')
          }
        }
      }
      decoder.end()
      this.clearTimer()
      await this.closeGracefully()
    } catch (err: any) {
      this.clearTimer()
      this.fail(err)
    } finally {
      stream.removeEventListener('message', onMessage)
    }
  }

  private async answer (frame: Uint8Array): Promise<void> {
    const { stream, dialect } = this
    const request = dialect.decode(frame)
    if (!isRequest(request)) {
      // go-waku-rendezvous ends the stream without an answer too
      throw new UnexpectedMessageError(`a client does not send ${request.type}`)
    }
    this.busy = true
    try {
      const started = performance.now()
      const response = await this.handler.handle(dialect, request, this.connection.remotePeer)
      if (response != null) {
        if (!stream.send(encodeMessageFrame(dialect, response))) {
          await stream.onDrain({ signal: AbortSignal.timeout(this.config.streamTimeout) })
        }
      }
      this.stats.request(dialect, request.type, response == null ? '-' : dialect.statusName(response.status), (performance.now() - started) / 1000)
    } finally {
      this.busy = false
    }
  }

  private async closeGracefully (): Promise<void> {
    if (this.stream.status !== 'open') {
      return
    }
    try {
      await this.stream.close({ signal: AbortSignal.timeout(this.config.streamTimeout) })
    } catch (err: any) {
      this.stream.abort(err)
    }
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
    stream.abort(err instanceof Error ? err : new Error(String(err)))
  }
}
