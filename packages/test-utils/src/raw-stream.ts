import { encodeMessageFrame } from '@rendezvous/codec'
import { FrameQueue } from './frame-queue.ts'
import type { StreamEnd } from './frame-queue.ts'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Dialect, RendezvousMessage, RegisterResponseMessage, DiscoverResponseMessage } from '@rendezvous/codec'

/**
 * A raw test client: one stream to a point, frames written and read with the codec, nothing else, so a test
 * controls every byte (and the server's tests need not depend on `@rendezvous/client`)
 */
export class RawStream {
  readonly stream: Stream
  readonly dialect: Dialect
  private readonly frames: FrameQueue<RendezvousMessage>
  readonly ended: Promise<StreamEnd>

  private constructor (stream: Stream, dialect: Dialect) {
    this.stream = stream
    this.dialect = dialect
    this.frames = new FrameQueue(stream, frame => dialect.decode(frame))
    this.ended = this.frames.ended
  }

  static async open (node: Libp2p<any>, server: Multiaddr | Multiaddr[], dialect: Dialect): Promise<RawStream> {
    const stream = await node.dialProtocol(server, dialect.protocol, { signal: AbortSignal.timeout(5000) })
    return new RawStream(stream, dialect)
  }

  send (message: RendezvousMessage): void {
    this.stream.send(encodeMessageFrame(this.dialect, message))
  }

  sendBytes (bytes: Uint8Array): void {
    this.stream.send(bytes)
  }

  /** The next message from the server; rejects if none comes within `timeout` ms or the stream ends */
  async next (timeout = 3000): Promise<RendezvousMessage> {
    const message = await this.frames.next(timeout)
    if (message == null) {
      throw new Error(`stream ended without a message: ${this.frames.end?.error?.name ?? 'closed'}`)
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
