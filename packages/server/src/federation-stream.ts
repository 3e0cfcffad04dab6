import { encodeFrame, FrameDecoder } from '@rendezvous/codec'
import type { Stream, StreamMessageEvent } from '@libp2p/interface'

/**
 * Length-prefixed frames over a libp2p stream, for the sync exchange and follow streams (which are not
 * request/response like the rendezvous dialects' streams).
 */

/** Write one frame, waiting for the stream to drain when its buffer is full */
export async function writeFrame (stream: Stream, message: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(encodeFrame(message))) {
    await stream.onDrain({ signal })
  }
}

/**
 * The frames a stream carries, as they complete; ends when the remote closes its side. The signal aborts
 * the stream (so a stalled remote does not hold the reader).
 *
 * @throws {CodecError} for an over-size or truncated frame (and the stream's error when it is aborted)
 */
export async function * readFrames (stream: Stream, maxFrameBytes: number, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new FrameDecoder({ maxFrameBytes })
  const onAbort = (): void => { stream.abort(signal.reason) }
  signal.throwIfAborted()
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    for await (const chunk of stream) {
      decoder.push(chunk)
      for (let frame = decoder.next(); frame != null; frame = decoder.next()) {
        yield frame
      }
    }
    decoder.end()
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/**
 * The first frame of a stream, read from its message events so that the stream stays usable for writing
 * (iterating a stream and leaving the loop would end its readable side)
 */
export async function readFirstFrame (stream: Stream, maxFrameBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  signal.throwIfAborted()
  const decoder = new FrameDecoder({ maxFrameBytes })
  return new Promise<Uint8Array>((resolve, reject) => {
    const cleanup = (): void => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('close', onEnd)
      stream.removeEventListener('remoteCloseWrite', onEnd)
      signal.removeEventListener('abort', onAbort)
    }
    const onMessage = (evt: StreamMessageEvent): void => {
      try {
        decoder.push(evt.data)
        const frame = decoder.next()
        if (frame != null) {
          cleanup()
          resolve(frame)
        }
      } catch (err: any) {
        cleanup()
        reject(err)
      }
    }
    const onEnd = (): void => {
      cleanup()
      reject(new Error('the stream ended before its first message'))
    }
    const onAbort = (): void => {
      cleanup()
      reject(signal.reason)
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onEnd)
    stream.addEventListener('remoteCloseWrite', onEnd)
    signal.addEventListener('abort', onAbort)
  })
}
