import { MAX_CHAT_BYTES, REPLY_PREFIX, CHAT_PROTOCOL } from './constants.ts'
import { ChatTooLongError } from './errors.ts'
import type { Connection, Stream } from '@libp2p/interface'

/** One message a node received */
export interface ReceivedChat {
  from: string
  text: string
  /** The remote address of the connection it came over */
  remoteAddr: string
}

/** Read a stream to its end as UTF-8, refusing more than {@link MAX_CHAT_BYTES} */
async function readAll (stream: Stream): Promise<string> {
  const chunks: Uint8Array[] = []
  let bytes = 0
  for await (const chunk of stream) {
    const data = chunk instanceof Uint8Array ? chunk : chunk.subarray()
    bytes += data.byteLength
    if (bytes > MAX_CHAT_BYTES) {
      throw new ChatTooLongError(`a chat message is at most ${MAX_CHAT_BYTES} bytes`)
    }
    chunks.push(data)
  }
  const all = new Uint8Array(bytes)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}

/** The messages a node received, and the handler that answers them */
export class ChatInbox {
  readonly received: ReceivedChat[] = []
  private readonly waiters: Array<() => void> = []

  /** Answer one chat stream: read the message to its end, keep it, reply, close */
  async serve (stream: Stream, connection: Connection): Promise<void> {
    try {
      const text = await readAll(stream)
      this.received.push({ from: connection.remotePeer.toString(), text, remoteAddr: connection.remoteAddr.toString() })
      stream.send(new TextEncoder().encode(REPLY_PREFIX + text))
      await stream.close()
      this.waiters.splice(0).forEach(wake => { wake() })
    } catch (err: any) {
      stream.abort(err)
    }
  }

  /** Resolve once at least `count` messages were received */
  async waitFor (count: number, signal: AbortSignal): Promise<ReceivedChat[]> {
    while (this.received.length < count) {
      signal.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { reject(signal.reason) }
        signal.addEventListener('abort', onAbort, { once: true })
        this.waiters.push(() => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        })
      })
    }
    return this.received
  }
}

/** Send one message on a new chat stream and resolve the reply */
export async function sendChat (connection: Connection, text: string, signal: AbortSignal): Promise<string> {
  const stream = await connection.newStream(CHAT_PROTOCOL, { signal, runOnLimitedConnection: true })
  try {
    if (!stream.send(new TextEncoder().encode(text))) {
      await stream.onDrain({ signal })
    }
    // close() ends our writing only: the reply is still read
    await stream.close({ signal })
    return await readAll(stream)
  } catch (err: any) {
    stream.abort(err)
    throw err
  }
}
