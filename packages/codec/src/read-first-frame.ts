import { StreamEndedError, TruncatedFrameError } from './errors.ts'
import { FrameDecoder } from './framing.ts'
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'

/**
 * The first length-prefixed frame of a libp2p stream, read from its message events so that the stream
 * stays usable (iterating a stream and leaving the loop would end its readable side) and without closing
 * the write side first: go-libp2p points answer and then reset the stream, and a reader that half-closes
 * before reading can lose the answer to that reset. Resolves as soon as the frame's last byte arrives;
 * what happens to the stream afterwards no longer matters.
 *
 * @throws {StreamEndedError} when the stream ends before the first byte of a frame
 * @throws {TruncatedFrameError} when it ends inside one
 * @throws {FrameTooLargeError | InvalidLengthPrefixError} for a frame over `maxFrameBytes` or a bad prefix
 * @throws {Error} the signal's reason when it aborts
 */
export async function readFirstFrame (stream: Stream, options: { maxFrameBytes: number, signal: AbortSignal }): Promise<Uint8Array> {
  const { signal } = options
  signal.throwIfAborted()
  const decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes })

  return new Promise<Uint8Array>((resolve, reject) => {
    const cleanup = (): void => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('close', onClose)
      stream.removeEventListener('remoteCloseWrite', onRemoteCloseWrite)
      signal.removeEventListener('abort', onAbort)
    }
    const fail = (err: unknown): void => {
      cleanup()
      reject(err)
    }
    const onMessage = (evt: StreamMessageEvent): void => {
      try {
        decoder.push(evt.data)
        const frame = decoder.next()
        if (frame != null) {
          cleanup()
          resolve(frame)
        }
      } catch (err) {
        fail(err)
      }
    }
    const ended = (how: StreamEndedError['how'], cause?: Error): Error => {
      try {
        decoder.end()
      } catch (err: any) {
        return new TruncatedFrameError(`the stream ${how === 'reset' ? 'was reset' : 'ended'} inside a frame: ${err.message}`, { cause })
      }
      return new StreamEndedError(how, { cause })
    }
    const onClose = (evt: StreamCloseEvent): void => {
      fail(ended(evt.error == null ? 'closed' : 'reset', evt.error))
    }
    const onRemoteCloseWrite = (): void => {
      fail(ended('closed-write'))
    }
    const onAbort = (): void => {
      fail(signal.reason)
    }

    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onClose)
    stream.addEventListener('remoteCloseWrite', onRemoteCloseWrite)
    signal.addEventListener('abort', onAbort)

    // the remote may have closed its side (with nothing left to read) before this reader subscribed
    if (stream.remoteWriteStatus === 'closed' && stream.readBufferLength === 0) {
      onRemoteCloseWrite()
    }
  })
}
