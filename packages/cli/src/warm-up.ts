import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { tcp } from '@libp2p/tcp'
import { DEFAULT_MAX_RESPONSE_BYTES, encodeMessageFrame, FrameDecoder, sealPeerRecord } from '@rendezvous/codec'
import { quietLogger, rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { createLibp2p } from 'libp2p'
import { WARM_UP_CLIENTS, WARM_UP_TIMEOUT } from './constants.ts'
import { WarmUpError } from './errors.ts'
import type { ConnectionEncrypter, Libp2p, StreamMuxerFactory, Stream } from '@libp2p/interface'
import type { TCPSocketOptions } from '@libp2p/tcp'
import type { Dialect } from '@rendezvous/codec'

/**
 * The parts of the point's stack the warm-up runs, so that it warms the very code the point runs (the
 * transport is the point's TCP)
 */
export interface WarmUpStack {
  encrypter(): (components: any) => ConnectionEncrypter
  muxer(): (components: any) => StreamMuxerFactory
}

/** What a warm-up did */
export interface WarmUpResult {
  /** REGISTERs answered OK */
  registers: number
  /** Milliseconds it took */
  ms: number
}

/**
 * Give back the heap the warm-up grew: V8 keeps the pages its garbage took (about 150 MiB of RSS after 2,000
 * REGISTERs, where the live heap afterwards is smaller than before), and only its last-resort collection, the
 * one it runs on a low-memory notification, returns them. `gc` is reached the one way Node allows at run time.
 */
function releaseHeap (): void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as (options: { type: string, execution: string, flavor: string }) => void
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' })
}

/** Send one REGISTER frame on its own stream and wait for the answer (or the stream's end) */
async function registerOnce (stream: Stream, frame: Uint8Array): Promise<void> {
  const decoder = new FrameDecoder({ maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES })
  await new Promise<void>((resolve, reject) => {
    stream.addEventListener('message', evt => {
      try {
        decoder.push(evt.data)
        if (decoder.next() != null) {
          resolve()
        }
      } catch (err) {
        reject(err)
      }
    })
    stream.addEventListener('close', evt => { evt.error != null ? reject(evt.error) : resolve() }, { once: true })
    stream.send(frame)
  })
  // as go-waku-rendezvous clients end their streams
  stream.abort(new Error('answered'))
}

/**
 * Warm the point's REGISTER path before it takes peers: a throwaway point of the same stack, on a memory
 * store of its own and a random identity, listening on 127.0.0.1 only, takes `count` REGISTERs of fresh
 * envelopes (each checked as a new peer's) from a few throwaway clients of the same stack, and is stopped.
 * Both points run the same code, so V8 has compiled the REGISTER path (the inbound stream, the server, the
 * codec, the signature check, Noise and Yamux framing) before the first real peer arrives, and the first
 * storm after a restart, when every peer registers again at once, is served at a warm process's cost
 * (docs/performance.md, "What was changed"). Nothing of it reaches the point's store, identity or peers.
 *
 * @throws {WarmUpError} when the throwaway point does not answer them all within `WARM_UP_TIMEOUT`
 */
export async function warmUp (count: number, dialects: readonly Dialect[], stack: WarmUpStack, options: { keepHeap?: boolean } = {}): Promise<WarmUpResult> {
  const started = performance.now()
  // the dialects whose REGISTERs carry a record the warm-up can make; each takes its share
  const served = dialects.filter(d => d.records.served.length > 0)
  if (count <= 0 || served.length === 0) {
    return { registers: 0, ms: 0 }
  }
  const store = memoryStore()
  const signal = AbortSignal.timeout(WARM_UP_TIMEOUT)
  const nodes: Libp2p[] = []
  try {
    const point = await createLibp2p({
      logger: quietLogger(),
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      // a socket of its own: in a cluster worker (--workers) a shared one would take other workers' clients.
      // @libp2p/tcp passes listenOpts on to net's listen() options, where `exclusive` lives, but does not type it
      transports: [tcp({ listenOpts: { exclusive: true } as TCPSocketOptions })],
      connectionEncrypters: [stack.encrypter()],
      streamMuxers: [stack.muxer()],
      connectionManager: { allow: ['/ip4/127.0.0.1'] },
      services: { rendezvous: rendezvousServer({ store, dialects: served, maxRegistrationsPerPeer: count }) }
    })
    nodes.push(point)
    const address = point.getMultiaddrs()[0]
    const keys = await Promise.all(Array.from({ length: WARM_UP_CLIENTS }, async () => generateKeyPair('Ed25519')))
    for (const privateKey of keys) {
      nodes.push(await createLibp2p({ privateKey, logger: quietLogger(), transports: [tcp()], connectionEncrypters: [stack.encrypter()], streamMuxers: [stack.muxer()] }))
    }
    await Promise.all(keys.map(async (privateKey, c) => {
      const client = nodes[c + 1]
      const connection = await client.dial(address, { signal })
      for (let i = c; i < count; i += keys.length) {
        const dialect = served[i % served.length]
        // a new sequence number each time: a fresh envelope, checked as a new peer's would be
        const signedPeerRecord = await sealPeerRecord(privateKey, [address], { format: dialect.records.served[0], seq: BigInt(i + 1) })
        const frame = encodeMessageFrame(dialect, { type: 'REGISTER', ns: `warm-up-${i}`, signedPeerRecord, ttl: dialect.ttl.default })
        await registerOnce(await connection.newStream(dialect.protocol, { signal }), frame)
      }
    }))
    const stats = (point.services.rendezvous as { stats(): { requests: Record<string, number> } }).stats()
    const registers = Object.entries(stats.requests).filter(([key]) => key.endsWith('REGISTER OK')).reduce((n, [, v]) => n + v, 0)
    return { registers, ms: performance.now() - started }
  } catch (err: any) {
    throw new WarmUpError(`the warm-up's throwaway point failed: ${String(err?.message ?? err)}`, { cause: err })
  } finally {
    await Promise.all(nodes.map(async node => node.stop()))
    await store.close()
    if (options.keepHeap !== true) {
      releaseHeap()
    }
  }
}
