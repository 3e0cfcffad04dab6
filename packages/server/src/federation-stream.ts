import { encodeFrame, FrameDecoder } from '@rendezvous/codec'
import type { Stream } from '@libp2p/interface'

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
