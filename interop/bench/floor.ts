/**
 * The stack's floor: a libp2p service on the rendezvous protocols whose handler reads one request frame and
 * answers a fixed REGISTER OK of the stream's dialect, then closes its side. No decoding, no verification,
 * no store, no stats: what a REGISTER costs on this stack (TCP, Noise, Yamux, multistream-select, libp2p's
 * per-stream work) when the server itself costs nothing. `ts-server.ts --floor` runs it with the same
 * stack and settings as the real server, so server/floor in one run is the server's own share.
 *
 * It stores nothing: the orchestrator runs it in the register and idle sessions only, without the
 * no-lost-registration checks.
 */
import { DIALECTS, encodeMessageFrame, FrameDecoder, Status } from '@rendezvous/codec'
import type { Connection, Startable, Stream, StreamHandlerOptions, StreamMessageEvent } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/** The part of libp2p's registrar the floor uses */
interface Registrar {
  handle(protocol: string, handler: (stream: Stream, connection: Connection) => void, options?: { maxInboundStreams?: number }): Promise<void>
  unhandle(protocol: string): Promise<void>
}

/** The server's defaults, so the floor's limits are the server's */
const MAX_INBOUND_STREAMS = 16
const STREAM_TIMEOUT_MS = 10_000

export interface FloorComponents {
  registrar: Registrar
}

export class FloorService implements Startable {
  private readonly registrar: Registrar
  private readonly answers = new Map<string, Uint8Array>()
  private readonly recordProtocols: boolean
  /** Streams answered, for the stats line */
  answered = 0

  constructor (components: FloorComponents, recordProtocols = false) {
    this.registrar = components.registrar
    this.recordProtocols = recordProtocols
    for (const d of DIALECTS) {
      this.answers.set(d.protocol, encodeMessageFrame(d, { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl: d.ttl.default }))
    }
  }

  async start (): Promise<void> {
    for (const d of DIALECTS) {
      await this.registrar.handle(d.protocol, (stream, connection) => { this.serve(d, stream, connection) }, {
        maxInboundStreams: MAX_INBOUND_STREAMS,
        // as the server registers its handlers (its recordRequesterProtocols, false by default)
        recordInboundProtocol: this.recordProtocols
      } as StreamHandlerOptions)
    }
  }

  async stop (): Promise<void> {
    await Promise.all(DIALECTS.map(async d => this.registrar.unhandle(d.protocol)))
  }

  private serve (dialect: Dialect, stream: Stream, _connection: Connection): void {
    const answer = this.answers.get(dialect.protocol) as Uint8Array
    const decoder = new FrameDecoder({ maxFrameBytes: dialect.limits.maxRequestBytes })
    // the same guard the server keeps per stream: one timer
    const timer = setTimeout(() => { stream.abort(new Error('floor: no request in time')) }, STREAM_TIMEOUT_MS)
    const onMessage = (evt: StreamMessageEvent): void => {
      try {
        decoder.push(evt.data)
        if (decoder.next() == null) {
          return
        }
      } catch (err: any) {
        clearTimeout(timer)
        stream.abort(err)
        return
      }
      stream.removeEventListener('message', onMessage)
      clearTimeout(timer)
      this.answered++
      stream.send(answer)
      stream.close().catch(err => { stream.abort(err) })
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', () => { clearTimeout(timer) }, { once: true })
  }
}

/**
 * The floor as a libp2p service factory; `recordProtocols` as the server's `recordRequesterProtocols` (the
 * peer store records each requester's protocol, js-libp2p's default)
 */
export function floorService (options: { recordProtocols?: boolean } = {}): (components: FloorComponents) => FloorService {
  return (components) => new FloorService(components, options.recordProtocols ?? false)
}
