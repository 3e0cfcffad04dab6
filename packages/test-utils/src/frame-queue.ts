import { DEFAULT_MAX_RESPONSE_BYTES, FrameDecoder } from '@rendezvous/codec'
import { WaitTimeoutError } from './errors.ts'
import type { Stream } from '@libp2p/interface'

/** How a stream ended, seen from the reading side */
export interface StreamEnd {
  /** The other side closed its write side gracefully */
  closed: boolean
  /** The stream was reset or aborted; the error */
  error?: Error
}

/**
 * The length-prefixed frames a stream carries, decoded as they arrive and queued until a test asks for
 * them: the one reader behind {@link RawStream} and the tests that read other protocols' frames (follow
 * events)
 */
export class FrameQueue<T> {
  /** Resolves when the stream has ended, and how */
  readonly ended: Promise<StreamEnd>
  private readonly decode: (frame: Uint8Array) => T
  private readonly received: T[] = []
  private endState?: StreamEnd
  private wake?: () => void

  constructor (stream: Stream, decode: (frame: Uint8Array) => T, maxFrameBytes = DEFAULT_MAX_RESPONSE_BYTES) {
    this.decode = decode
    this.ended = this.read(stream, new FrameDecoder({ maxFrameBytes }))
  }

  private async read (stream: Stream, decoder: FrameDecoder): Promise<StreamEnd> {
    try {
      for await (const chunk of stream) {
        decoder.push(chunk)
        for (let frame = decoder.next(); frame != null; frame = decoder.next()) {
          this.received.push(this.decode(frame))
          this.wake?.()
        }
      }
      this.endState = { closed: true }
    } catch (err: any) {
      this.endState = { closed: false, error: err }
    }
    this.wake?.()
    return this.endState
  }

  /** How the stream ended, once it has */
  get end (): StreamEnd | undefined {
    return this.endState
  }

  /**
   * The next frame, or `undefined` when the stream ended before one came; rejects with
   * {@link WaitTimeoutError} when neither happens within `timeout` ms
   */
  async next (timeout = 3000): Promise<T | undefined> {
    const deadline = Date.now() + timeout
    while (this.received.length === 0 && this.endState == null) {
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new WaitTimeoutError(`no frame within ${timeout} ms`)
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.wake = () => { clearTimeout(timer); resolve() }
      })
      this.wake = undefined
    }
    return this.received.shift()
  }
}
