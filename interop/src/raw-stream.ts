import { DEFAULT_MAX_RESPONSE_BYTES, FrameDecoder } from '@rendezvous/codec'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { RawResult } from './implementation.ts'
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'

/**
 * Several requests on ONE libp2p stream, each answer read before the next request is written, with the
 * exact bytes of every answer. The write side stays open until the caller closes the session, because a
 * go-libp2p point that reads EOF resets the stream, which can destroy an answer still in flight.
 */
export class RawStreamSession {
  private readonly stream: Stream
  private readonly decoder = new FrameDecoder({ maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES })
  /** Raw bytes of each complete frame, in order of arrival */
  private readonly frames: Uint8Array[] = []
  private ended?: { how: 'reset' | 'eof' | 'error', error?: string }
  private wake?: () => void

  constructor (stream: Stream) {
    this.stream = stream
    stream.addEventListener('message', (evt: StreamMessageEvent) => {
      try {
        this.decoder.push(evt.data)
        const before = this.decoder.bufferedBytes
        let message = this.decoder.next()
        let consumedFrom = before
        while (message != null) {
          // the frame's bytes are its prefix and its message; re-derive the prefix length from what was consumed
          const consumed = consumedFrom - this.decoder.bufferedBytes
          const prefixLength = consumed - message.byteLength
          this.frames.push(concat(encodePrefix(message.byteLength, prefixLength), message))
          consumedFrom = this.decoder.bufferedBytes
          message = this.decoder.next()
        }
      } catch (err: any) {
        this.ended = { how: 'error', error: err.message }
        stream.abort(err)
      }
      this.notify()
    })
    stream.addEventListener('remoteCloseWrite', () => {
      this.ended ??= { how: 'eof' }
      this.notify()
    })
    stream.addEventListener('close', (evt: StreamCloseEvent) => {
      this.ended ??= evt.error == null ? { how: 'eof' } : { how: 'reset', error: evt.error.message }
      this.notify()
    })
  }

  /** Write one already framed request and wait up to `timeout` ms for one answer frame */
  async exchange (frame: Uint8Array, timeout: number): Promise<RawResult> {
    const sent = uint8ArrayToString(frame, 'base16')
    if (this.ended != null && this.frames.length === 0) {
      return { sent, end: this.ended.how, error: this.ended.error }
    }
    try {
      if (!this.stream.send(frame)) {
        await this.stream.onDrain({ signal: AbortSignal.timeout(timeout) })
      }
    } catch (err: any) {
      return { sent, end: 'error', error: err.message }
    }
    const deadline = Date.now() + timeout
    while (this.frames.length === 0) {
      if (this.ended != null) {
        return { sent, end: this.ended.how, error: this.ended.error }
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        return { sent, end: 'timeout', error: `no answer within ${timeout} ms` }
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(done, left)
        function done (): void {
          clearTimeout(timer)
          resolve()
        }
        this.wake = done
      })
    }
    const answer = this.frames.shift() as Uint8Array
    return { sent, frame: uint8ArrayToString(answer, 'base16') }
  }

  /** Close our side (bounded), resetting the stream if the point does not finish it in time */
  async close (timeout = 2_000): Promise<void> {
    try {
      await this.stream.close({ signal: AbortSignal.timeout(timeout) })
    } catch (err: any) {
      this.stream.abort(err)
    }
  }

  private notify (): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}

/** The unsigned varint of `value`, padded to `length` bytes when the peer wrote a non-minimal prefix */
function encodePrefix (value: number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  let rest = value
  for (let i = 0; i < length; i++) {
    out[i] = (rest & 0x7f) | (i < length - 1 ? 0x80 : 0)
    rest = Math.floor(rest / 128)
  }
  return out
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a, 0)
  out.set(b, a.byteLength)
  return out
}
