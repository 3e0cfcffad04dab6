import { FrameDecoder } from '@rendezvous/codec'
import { NoAnswerError, RendezvousProtocolError } from './errors.ts'
import type { Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'

/** Write bytes and wait until the stream accepted them */
export async function writeBytes (stream: Stream, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(bytes)) {
    await stream.onDrain({ signal })
  }
}

/**
 * Read exactly one length-prefixed message from a stream, without closing our write side first:
 * go-libp2p points answer a request and then reset the stream, and a client that half-closes
 * before reading can lose the answer to that reset. Resolves as soon as the last byte of the frame
 * arrived; whatever the point does with the stream afterwards (close, reset) no longer matters.
 *
 * @throws {RendezvousProtocolError} for an over-size or malformed frame, or a stream that ends first
 * @throws {Error} the signal's reason when it aborts
 */
export async function readFrame (stream: Stream, maxFrameBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  signal.throwIfAborted()
  const decoder = new FrameDecoder({ maxFrameBytes })

  return new Promise<Uint8Array>((resolve, reject) => {
    const cleanup = (): void => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('close', onClose)
      stream.removeEventListener('remoteCloseWrite', onRemoteCloseWrite)
      signal.removeEventListener('abort', onAbort)
    }
    const fail = (err: Error): void => {
      cleanup()
      reject(err)
    }
    const onMessage = (evt: StreamMessageEvent): void => {
      try {
        decoder.push(evt.data)
        const message = decoder.next()
        if (message != null) {
          cleanup()
          resolve(message)
        }
      } catch (err: any) {
        fail(wrapCodecError(err, 'unreadable response'))
      }
    }
    const endedEarly = (how: string, cause?: Error): Error => {
      try {
        decoder.end()
      } catch (err: any) {
        return wrapCodecError(err, `the point ${how} in the middle of its response`)
      }
      return new NoAnswerError(`the point ${how} without answering`, { cause })
    }
    const onClose = (evt: StreamCloseEvent): void => {
      fail(endedEarly(evt.error == null ? 'closed the stream' : 'reset the stream', evt.error))
    }
    const onRemoteCloseWrite = (): void => {
      fail(endedEarly('closed its side of the stream'))
    }
    const onAbort = (): void => {
      fail(signal.reason)
    }

    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onClose)
    stream.addEventListener('remoteCloseWrite', onRemoteCloseWrite)
    signal.addEventListener('abort', onAbort)

    if (stream.remoteWriteStatus === 'closed' && stream.readBufferLength === 0) {
      onRemoteCloseWrite()
    }
  })
}

/** Give a codec error the client's type, keeping it as the cause */
export function wrapCodecError (err: Error, context: string): Error {
  return new RendezvousProtocolError(`${context}: ${err.message}`, { cause: err })
}
