import { DEFAULT_MAX_RESPONSE_BYTES, encodeMessageFrame, FrameDecoder } from '@rendezvous/codec'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Dialect, RendezvousMessage, RegisterResponseMessage, DiscoverResponseMessage } from '@rendezvous/codec'

/** How a stream ended, seen from the client */
export interface StreamEnd {
  /** The server closed its write side gracefully */
  closed: boolean
  /** The stream was reset or aborted; the error */
  error?: Error
}

/**
 * A raw test client: one stream to a point, frames written and read with the codec, nothing else, so a test
 * controls every byte (and the server's tests need not depend on `@rendezvous/client`)
 */
export class RawStream {
  readonly stream: Stream
  readonly dialect: Dialect
  private readonly messages: RendezvousMessage[] = []
  private waiter?: () => void
  private endState?: StreamEnd
  readonly ended: Promise<StreamEnd>

  private constructor (stream: Stream, dialect: Dialect) {
    this.stream = stream
    this.dialect = dialect
    this.ended = this.read()
  }

  static async open (node: Libp2p<any>, server: Multiaddr | Multiaddr[], dialect: Dialect): Promise<RawStream> {
    const stream = await node.dialProtocol(server, dialect.protocol, { signal: AbortSignal.timeout(5000) })
    return new RawStream(stream, dialect)
  }

  private async read (): Promise<StreamEnd> {
    const decoder = new FrameDecoder({ maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES })
    try {
      for await (const chunk of this.stream) {
        decoder.push(chunk)
        for (let frame = decoder.next(); frame != null; frame = decoder.next()) {
          this.messages.push(this.dialect.decode(frame))
          this.waiter?.()
        }
      }
      this.endState = { closed: true }
    } catch (err: any) {
      this.endState = { closed: false, error: err }
    }
    this.waiter?.()
    return this.endState
  }

  send (message: RendezvousMessage): void {
    this.stream.send(encodeMessageFrame(this.dialect, message))
  }

  sendBytes (bytes: Uint8Array): void {
    this.stream.send(bytes)
  }

  /** The next message from the server; rejects if none comes within `timeout` ms or the stream ends */
  async next (timeout = 3000): Promise<RendezvousMessage> {
    const deadline = Date.now() + timeout
    while (this.messages.length === 0) {
      if (this.endState != null) {
        throw new Error(`stream ended without a message: ${this.endState.error?.name ?? 'closed'}`)
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error('no message within the timeout')
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => { clearTimeout(timer); resolve() }
      })
      this.waiter = undefined
    }
    const message = this.messages.shift()
    if (message == null) {
      throw new Error('no message')
    }
    return message
  }

  async register (message: Omit<Extract<RendezvousMessage, { type: 'REGISTER' }>, 'type'>): Promise<RegisterResponseMessage> {
    return this.request({ type: 'REGISTER', ...message }, 'REGISTER_RESPONSE')
  }

  async discover (message: Omit<Extract<RendezvousMessage, { type: 'DISCOVER' }>, 'type'>): Promise<DiscoverResponseMessage> {
    return this.request({ type: 'DISCOVER', ...message }, 'DISCOVER_RESPONSE')
  }

  /** Send a request and read the next message, which must be of the answer's type */
  private async request<T extends RendezvousMessage['type']> (message: RendezvousMessage, answer: T): Promise<Extract<RendezvousMessage, { type: T }>> {
    this.send(message)
    const response = await this.next()
    if (response.type !== answer) {
      throw new Error(`expected ${answer}, got ${response.type}`)
    }
    return response as Extract<RendezvousMessage, { type: T }>
  }

  /** Whether a message arrives within `ms` (for requests that must not be answered) */
  async silentFor (ms: number): Promise<boolean> {
    try {
      await this.next(ms)
      return false
    } catch {
      return this.messages.length === 0
    }
  }

  async close (): Promise<void> {
    await this.stream.close().catch(err => { this.stream.abort(err) })
  }

  abort (): void {
    this.stream.abort(new Error('test client done'))
  }

  /** Resolves how the stream ended, or rejects after `timeout` ms */
  async end (timeout = 3000): Promise<StreamEnd> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const limit = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error('stream did not end')) }, timeout) })
    try {
      return await Promise.race([this.ended, limit])
    } finally {
      clearTimeout(timer)
    }
  }
}
