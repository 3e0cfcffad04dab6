import { CodecError, readFirstFrame, StreamEndedError } from '@rendezvous/codec'
import { NoAnswerError, RendezvousProtocolError } from './errors.ts'
import type { Stream } from '@libp2p/interface'

/** Write bytes and wait until the stream accepted them */
export async function writeBytes (stream: Stream, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(bytes)) {
    await stream.onDrain({ signal })
  }
}

/**
 * Read exactly one length-prefixed message from a stream (the codec's `readFirstFrame`: the write side stays
 * open, since go-libp2p points answer and then reset), in the client's errors
 *
 * @throws {NoAnswerError} when the point ends the stream without a byte of answer
 * @throws {RendezvousProtocolError} for an over-size, malformed or truncated frame
 * @throws {Error} the signal's reason when it aborts
 */
export async function readFrame (stream: Stream, maxFrameBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  try {
    return await readFirstFrame(stream, { maxFrameBytes, signal })
  } catch (err: any) {
    if (err instanceof StreamEndedError) {
      const how = { closed: 'closed the stream', reset: 'reset the stream', 'closed-write': 'closed its side of the stream' }[err.how]
      throw new NoAnswerError(`the point ${how} without answering`, { cause: err.cause })
    }
    if (err instanceof CodecError) {
      throw wrapCodecError(err, 'unreadable response')
    }
    throw err
  }
}

/** Give a codec error the client's type, keeping it as the cause */
export function wrapCodecError (err: Error, context: string): Error {
  return new RendezvousProtocolError(`${context}: ${err.message}`, { cause: err })
}
