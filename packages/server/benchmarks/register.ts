/* eslint-disable no-console -- a benchmark reports on the console */
/**
 * In-process throughput of the request path (decode frame → handle → encode frame) on the memory store:
 * REGISTER with a signature check per request (cold), REGISTER refreshes with byte-identical envelopes
 * (cached), DISCOVER over 1.0.0 with cookies and over 0.0.1 with random samples.
 *
 * Run: `pnpm bench` (Node 24 runs the TypeScript directly). Every loop is bounded in count and time.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_MAX_REQUEST_BYTES, decodeFrame, encodeMessageFrame, FrameDecoder, rendezvous, sealPeerRecord, wakuV0 } from '@rendezvous/codec'
import { memoryStore } from '@rendezvous/store-memory'
import { resolveConfig } from '../src/config.ts'
import { RequestHandler } from '../src/request-handler.ts'
import { RequesterFormats } from '../src/requester-formats.ts'
import { ObservedRequestHandler, ServerEvents } from '../src/server-events.ts'
import { StatsRecorder } from '../src/stats.ts'
import { EnvelopeVerifier, VerificationCache } from '../src/verification-cache.ts'
import type { Logger, PeerId } from '@libp2p/interface'
import type { Dialect, RegisterMessage, RegisterResponseMessage as RegisterResponse, RendezvousRequest } from '@rendezvous/codec'

const PEERS = 2000
const MAX_SECONDS = 20
/** Operations per part in the refresh breakdown: each part is a few µs, so many of them */
const PART_OPS = Number(process.env.BENCH_PART_OPS ?? 200_000)
/** `BENCH_PARTS=only`: the refresh breakdown alone (quicker, for A/B of one change) */
const PARTS_ONLY = process.env.BENCH_PARTS === 'only'

const silent = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => silent }) as unknown as Logger

interface Peer { id: PeerId, envelope: Uint8Array }

async function makePeers (n: number): Promise<Peer[]> {
  const peers: Peer[] = []
  for (let i = 0; i < n; i++) {
    const key = await generateKeyPair('Ed25519')
    peers.push({
      id: peerIdFromPrivateKey(key),
      envelope: await sealPeerRecord(key, [multiaddr(`/ip4/10.0.${i >> 8}.${i & 255}/tcp/4001`), multiaddr(`/ip4/10.0.${i >> 8}.${i & 255}/udp/4001/quic-v1`)])
    })
  }
  return peers
}

async function roundTrip (handler: RequestHandler, dialect: Dialect, frame: Uint8Array, peer: PeerId): Promise<number> {
  const { message } = decodeFrame(frame, { maxFrameBytes: DEFAULT_MAX_REQUEST_BYTES })
  const request = dialect.decode(message) as RendezvousRequest
  const response = await handler.handle(dialect, request, peer)
  if (response == null || response.status !== 0) {
    throw new Error(`unexpected answer ${JSON.stringify(response)}`)
  }
  return encodeMessageFrame(dialect, response).byteLength
}

interface Result { name: string, ops: number, seconds: number, cpuSeconds: number }

async function measure (name: string, count: number, op: (i: number) => Promise<unknown>): Promise<Result> {
  const started = performance.now()
  const cpu = process.cpuUsage()
  let i = 0
  for (; i < count && performance.now() - started < MAX_SECONDS * 1000; i++) {
    await op(i)
  }
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return { name, ops: i, seconds, cpuSeconds: (used.user + used.system) / 1e6 }
}

const peers = await makePeers(PEERS)
const store = memoryStore()
// one requester asks for every page: the per-peer answer budget would refuse it after a few
const config = resolveConfig({ store, discoverBytesPerSecond: Infinity })
const verifier = new EnvelopeVerifier(config.verificationCacheSize)
const handler = new RequestHandler(config, verifier, new RequesterFormats(async () => undefined), silent)

const registerFrames = (dialect: Dialect, ns: string): Uint8Array[] =>
  peers.map(p => encodeMessageFrame(dialect, { type: 'REGISTER', ns, signedPeerRecord: p.envelope, ttl: dialect === wakuV0 ? 20 : 7200 }))

/** CPU time per call of `op`, after a warm-up; `op` may be synchronous */
async function part (name: string, count: number, op: (i: number) => unknown): Promise<Result> {
  for (let i = 0; i < Math.min(count, 20_000); i++) {
    const r = op(i)
    if (r instanceof Promise) { await r }
  }
  return measure(name, count, async i => {
    const r = op(i)
    if (r instanceof Promise) { await r }
  })
}

/**
 * A refresh REGISTER of 0.0.1 (the dialect of `pnpm bench:servers`' register sessions) taken apart: each
 * step the server takes for it, on its own, in the order the server takes them. The steps' sum against
 * the whole says what is left between them (promises, the handler's checks).
 */
async function refreshParts (): Promise<Result[]> {
  const dialect = wakuV0
  const ns = 'bench-parts'
  const frames = registerFrames(dialect, ns)
  const requests = frames.map(f => dialect.decode(decodeFrame(f, { maxFrameBytes: DEFAULT_MAX_REQUEST_BYTES }).message) as RegisterMessage)
  const ids = peers.map(p => p.id.toString())
  // every peer registered once: what follows are refreshes
  for (let i = 0; i < PEERS; i++) {
    await roundTrip(handler, dialect, frames[i], peers[i].id)
  }
  const maxFrameBytes = Math.min(config.maxRequestBytes, dialect.limits.maxRequestBytes)
  const recorder = new StatsRecorder(undefined, store)
  const requesters = new RequesterFormats(async () => undefined)
  const observed = new ObservedRequestHandler(config, verifier, requesters, silent)
  observed.events = new ServerEvents()
  const ok = { type: 'REGISTER_RESPONSE', status: 0, statusText: '', ttl: 20 } as const
  const limits = { maxRegistrationsPerPeer: 1000, maxRegistrations: config.maxRegistrations }
  const n = PART_OPS
  const out: Result[] = []
  out.push(await part('frame: a FrameDecoder, push, next', n, i => {
    const decoder = new FrameDecoder({ maxFrameBytes })
    decoder.push(frames[i % PEERS])
    return decoder.next()
  }))
  const bodies = frames.map(f => decodeFrame(f, { maxFrameBytes: DEFAULT_MAX_REQUEST_BYTES }).message)
  out.push(await part('decode: dialect.decode', n, i => dialect.decode(bodies[i % PEERS])))
  out.push(await part('cache key: VerificationCache.key', n, i => VerificationCache.key(peers[i % PEERS].envelope)))
  out.push(await part('cache hit: verifier.verify', n, async i => verifier.verify(peers[i % PEERS].envelope)))
  const records = await Promise.all(peers.map(async p => verifier.verify(p.envelope)))
  out.push(await part('peer check: equals, toString', n, i => records[i % PEERS].peerId.equals(peers[i % PEERS].id) && peers[i % PEERS].id.toString()))
  out.push(await part('store: upsert (a refresh)', n, async i => {
    const now = Date.now()
    return store.upsert({ namespace: ns, peerId: ids[i % PEERS], signedPeerRecord: peers[i % PEERS].envelope, ttl: 20, registeredAt: now, expiresAt: now + 20_000, format: 'waku' }, limits)
  }))
  out.push(await part('requesters: noteRegistered', n, i => { requesters.noteRegistered(ids[i % PEERS], 'waku') }))
  out.push(await part('stats: request', n, () => { recorder.request(dialect, 'REGISTER', 'OK', 0.00001) }))
  out.push(await part('encode: encodeMessageFrame', n, () => encodeMessageFrame(dialect, ok)))
  out.push(await part('handler: RequestHandler.handle', n, async i => handler.handle(dialect, requests[i % PEERS], peers[i % PEERS].id)))
  out.push(await part('handler: ObservedRequestHandler.handle (no listeners)', n, async i => observed.handle(dialect, requests[i % PEERS], peers[i % PEERS].id)))
  out.push(await part('whole: frame, decode, handle, encode, stats', n, async i => {
    const decoder = new FrameDecoder({ maxFrameBytes })
    decoder.push(frames[i % PEERS])
    const request = dialect.decode(decoder.next() as Uint8Array) as RendezvousRequest
    const started = performance.now()
    const response = await observed.handle(dialect, request, peers[i % PEERS].id)
    encodeMessageFrame(dialect, response as RegisterResponse)
    recorder.request(dialect, request.type, 'OK', (performance.now() - started) / 1000)
  }))
  return out
}

function print (title: string, results: Result[]): void {
  console.info(`\n${title}\n`)
  // on a shared machine wall time depends on the neighbours; CPU time of this process much less
  console.info('| operation | ops | ops/s (wall) | µs/op (wall) | CPU µs/op | ops per CPU-second |')
  console.info('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const r of results) {
    console.info(`| ${r.name} | ${r.ops} | ${Math.round(r.ops / r.seconds)} | ${(r.seconds * 1e6 / r.ops).toFixed(1)} | ${(r.cpuSeconds * 1e6 / r.ops).toFixed(2)} | ${Math.round(r.ops / r.cpuSeconds)} |`)
  }
}

console.info(`Node ${process.version}, ${PEERS} peers (Ed25519), memory store`)
if (!PARTS_ONLY) {
  const results: Result[] = []
  const rdvFrames = registerFrames(rendezvous, 'bench')
  results.push(await measure('REGISTER 1.0.0, cold (signature verified)', PEERS, async i => roundTrip(handler, rendezvous, rdvFrames[i], peers[i].id)))
  results.push(await measure('REGISTER 1.0.0, refresh (cached envelope)', PEERS * 5, async i => roundTrip(handler, rendezvous, rdvFrames[i % PEERS], peers[i % PEERS].id)))
  const wakuFrames = registerFrames(wakuV0, 'bench-waku')
  results.push(await measure('REGISTER 0.0.1, refresh (cached envelope)', PEERS * 5, async i => roundTrip(handler, wakuV0, wakuFrames[i % PEERS], peers[i % PEERS].id)))

  const discoverAll = encodeMessageFrame(rendezvous, { type: 'DISCOVER', ns: 'bench', limit: 100 })
  results.push(await measure('DISCOVER 1.0.0, limit 100, first page', 2000, async () => roundTrip(handler, rendezvous, discoverAll, peers[0].id)))
  let cookie: Uint8Array | undefined
  results.push(await measure('DISCOVER 1.0.0, limit 100, paging with cookies', 2000, async () => {
    const frame = encodeMessageFrame(rendezvous, { type: 'DISCOVER', ns: 'bench', limit: 100, cookie })
    const { message } = decodeFrame(frame, { maxFrameBytes: DEFAULT_MAX_REQUEST_BYTES })
    const response = await handler.handle(rendezvous, rendezvous.decode(message) as RendezvousRequest, peers[0].id)
    if (response?.type !== 'DISCOVER_RESPONSE') {
      throw new Error('no answer')
    }
    encodeMessageFrame(rendezvous, response)
    cookie = response.registrations.length === 0 ? undefined : response.cookie
  }))
  const discoverWaku = encodeMessageFrame(wakuV0, { type: 'DISCOVER', ns: 'bench-waku', limit: 50 })
  results.push(await measure('DISCOVER 0.0.1, limit 50, random sample', 2000, async () => roundTrip(handler, wakuV0, discoverWaku, peers[0].id)))
  print('The request path, in process', results)
}
print('A refresh REGISTER (0.0.1, cached envelope), step by step', await refreshParts())
console.info(`\nsignature verifications: ${verifier.verifications}, cache hits: ${verifier.cacheHits}, registrations: ${await store.count()}`)
await store.close()
