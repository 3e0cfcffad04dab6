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
import { DEFAULT_MAX_REQUEST_BYTES, decodeFrame, encodeMessageFrame, rendezvous, sealPeerRecord, wakuV0 } from '@rendezvous/codec'
import { memoryStore } from '@rendezvous/store-memory'
import { resolveConfig } from '../src/config.ts'
import { RequestHandler } from '../src/request-handler.ts'
import { RequesterFormats } from '../src/requester-formats.ts'
import { EnvelopeVerifier } from '../src/verification-cache.ts'
import type { Logger, PeerId } from '@libp2p/interface'
import type { Dialect, RendezvousRequest } from '@rendezvous/codec'

const PEERS = 2000
const MAX_SECONDS = 20

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
const config = resolveConfig({ store })
const verifier = new EnvelopeVerifier(config.verificationCacheSize)
const handler = new RequestHandler(config, verifier, new RequesterFormats(async () => undefined), silent)

const registerFrames = (dialect: Dialect, ns: string): Uint8Array[] =>
  peers.map(p => encodeMessageFrame(dialect, { type: 'REGISTER', ns, signedPeerRecord: p.envelope, ttl: dialect === wakuV0 ? 20 : 7200 }))

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

console.info(`Node ${process.version}, ${PEERS} peers (Ed25519), memory store with ${await store.count()} registrations\n`)
// on a shared machine wall time depends on the neighbours; CPU time of this process much less
console.info('| operation | ops | ops/s (wall) | µs/op (wall) | CPU µs/op | ops per CPU-second |')
console.info('| --- | ---: | ---: | ---: | ---: | ---: |')
for (const r of results) {
  console.info(`| ${r.name} | ${r.ops} | ${Math.round(r.ops / r.seconds)} | ${(r.seconds * 1e6 / r.ops).toFixed(1)} | ${(r.cpuSeconds * 1e6 / r.ops).toFixed(1)} | ${Math.round(r.ops / r.cpuSeconds)} |`)
}
console.info(`\nsignature verifications: ${verifier.verifications}, cache hits: ${verifier.cacheHits}`)
await store.close()
