import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { CODE_P2P, multiaddr } from '@multiformats/multiaddr'
import { RendezvousStatusError, rendezvousClient } from '@rendezvous/client'
import { encodeMessageFrame, sealPeerRecord, wakuV0 } from '@rendezvous/codec'
import { goldenVectors } from '@rendezvous/codec/testing'
import { rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { createLibp2p } from 'libp2p'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { RawStreamSession } from './raw-stream.ts'
import type { DeviationId } from './deviations.ts'
import type { ClientOp, ClientOpResult, ClientOptions, ClientPeer, ErrorTextKind, FrameSample, Implementation, RawOp, RawResult, ServerHandle } from './implementation.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { PointConfig, RendezvousClient } from '@rendezvous/client'
import type { Dialect, RecordFormatName } from '@rendezvous/codec'
import type { Libp2pOptions } from 'libp2p'

/** Options of {@link tsImplementation} */
export interface TsImplementationOptions {
  /** The dialect its client speaks and the matrix tests (default: `/vac/waku/rendezvous/0.0.1`) */
  dialect?: Dialect
}

const hex = (bytes: Uint8Array): string => uint8ArrayToString(bytes, 'base16')

/** The seed 01 02 … 20 of the deterministic Ed25519 key behind the codec's golden envelope */
export const GOLDEN_KEY_SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1)

function nodeOptions (privateKey?: PrivateKey): Libp2pOptions {
  return {
    privateKey,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // every peer of the matrix dials from 127.0.0.1, faster than the default 5 per second per host
    connectionManager: { inboundConnectionThreshold: 10_000 }
  }
}

/** The node's own addresses without the trailing /p2p, as a peer record carries them */
function recordAddresses (node: Libp2p): Multiaddr[] {
  return node.getMultiaddrs().map(a => a.getComponents().at(-1)?.code === CODE_P2P ? a.decapsulateCode(CODE_P2P) : a)
}

/** This repository's server and client (`@rendezvous/server`, `@rendezvous/client`), in-process */
export class TsImplementation implements Implementation {
  readonly name = 'ts'
  // see deviations.ts: the stores' 255-byte namespace limit
  readonly serverDeviations: ReadonlySet<DeviationId> = new Set<DeviationId>(['namespace-256-refused'])
  readonly dialect: Dialect
  // the client opens every format; it seals `standard` unless told otherwise (and retries a point that
  // resets a REGISTER in rust-legacy)
  readonly client = { reads: ['standard', 'rust-legacy', 'waku'], seals: 'standard', raw: true }

  readonly serverReads: readonly string[]
  readonly errorTexts: Readonly<Record<ErrorTextKind, string>>
  // packages/server/src/cookie.ts: the position, "v1.", base64url of a 128-bit MAC
  readonly cookieShape = { describe: 'position (8) ‖ "v1." ‖ base64url MAC (22)', bytes: () => 33 }

  constructor (options: TsImplementationOptions = {}) {
    this.dialect = options.dialect ?? wakuV0
    this.serverReads = this.dialect.records.accepts.map(format => format.name)
    // the server words its errors with the dialect's texts
    const { texts, limits, ttl } = this.dialect
    this.errorTexts = {
      emptyNamespace: texts.emptyNamespace,
      longNamespace: texts.longNamespace(limits.maxNamespaceBytes),
      badTtl: texts.badTtl(ttl.min, ttl.max),
      invalidRecord: texts.invalidRecord(''),
      peerMismatch: texts.peerMismatch
    }
  }

  async startServer (): Promise<ServerHandle> {
    const store = memoryStore()
    const node = await createLibp2p({
      ...nodeOptions(),
      services: { identify: identify(), rendezvous: rendezvousServer({ store }) }
    })
    const address = node.getMultiaddrs().find(a => a.toString().startsWith('/ip4/127.0.0.1/'))
    if (address == null) {
      await node.stop()
      await store.close()
      throw new Error('the TS server listens on no loopback address')
    }
    return {
      implementation: this,
      peerId: node.peerId.toString(),
      multiaddr: address.toString(),
      stop: async () => {
        await node.stop()
        await store.close()
      }
    }
  }

  async startClient (server: ServerHandle, privateKey: PrivateKey, options: ClientOptions = {}): Promise<ClientPeer> {
    // `recordFormat` is the point option of @rendezvous/client for the format the client registers with
    const point: PointConfig = { address: server.multiaddr, dialect: options.dialect ?? this.dialect, recordFormat: options.recordFormat as RecordFormatName | undefined }
    const node = await createLibp2p({
      ...nodeOptions(privateKey),
      services: {
        identify: identify(),
        rendezvous: rendezvousClient({ points: [point], streamLinger: 1_000 })
      }
    })
    const address = multiaddr(server.multiaddr)
    // connect now, so that the timed parts of a case (the Go server forgets within 0.5 s) do not dial
    await node.dial(address, { signal: AbortSignal.timeout(10_000) })
    const client = node.services.rendezvous
    const dialect = this.dialect
    const state: ClientState = { keepsRegistrations: dialect.features.unregister }

    return {
      peerId: node.peerId.toString(),
      privateKey,
      run: async (ops, options) => {
        const results: ClientOpResult[] = []
        for (const op of ops) {
          results.push(await runOp(node, privateKey, client, state, op, options.opTimeout))
        }
        return results
      },
      raw: async (ops, options) => {
        const connection = await node.dial(address, { signal: AbortSignal.timeout(options.opTimeout) })
        const stream = await connection.newStream(dialect.protocol, { signal: AbortSignal.timeout(options.opTimeout) })
        const session = new RawStreamSession(stream)
        const results: RawResult[] = []
        try {
          for (const op of ops) {
            const { frame, envelope } = await rawRequest(node, privateKey, dialect, op)
            results.push({ ...await session.exchange(frame, options.opTimeout), envelope })
          }
        } finally {
          await session.close()
        }
        return results
      },
      stop: async () => { await node.stop() }
    }
  }

  async frames (): Promise<FrameSample[]> {
    return goldenVectors
      .filter(v => v.dialect === this.dialect.name)
      .map(v => ({ name: `codec: ${v.name}`, hex: hex(encodeMessageFrame(this.dialect, v.message)) }))
  }

  /** The deterministic record (seed 01..20, /ip4/127.0.0.1/tcp/4001, seq 1) as the codec seals it */
  async referenceEnvelope (): Promise<string> {
    const key = await generateKeyPairFromSeed('Ed25519', GOLDEN_KEY_SEED)
    return hex(await sealPeerRecord(key, [multiaddr('/ip4/127.0.0.1/tcp/4001')], { seq: 1n }))
  }
}

/** The TS implementation (in-process js-libp2p nodes) */
export function tsImplementation (options?: TsImplementationOptions): TsImplementation {
  return new TsImplementation(options)
}

/** What a client remembers across ops */
interface ClientState {
  cookie?: Uint8Array
  /** Whether registrations stay known after a REGISTER, for a later `unregister` op (dialects with UNREGISTER) */
  keepsRegistrations: boolean
}

async function runOp (node: Libp2p, privateKey: PrivateKey, client: RendezvousClient, state: ClientState, op: ClientOp, timeout: number): Promise<ClientOpResult> {
  const signal = AbortSignal.timeout(timeout)
  try {
    switch (op.op) {
      case 'sleep':
        await new Promise(resolve => setTimeout(resolve, op.ms))
        return { op: op.op, ok: true }
      case 'record':
        // what the client seals for REGISTER: the node's key and its addresses
        return { op: op.op, ok: true, envelope: hex(await sealPeerRecord(privateKey, recordAddresses(node))) }
      case 'register': {
        // a fresh REGISTER even when the namespace was registered before in this run
        await client.unregister(op.ns, { notify: false })
        const [outcome] = await client.register(op.ns, { ttl: op.ttl, signal })
        // one REGISTER, not a kept-alive registration: no refresh or retry afterwards. Where UNREGISTER exists
        // the registration stays known (a granted TTL is hours, far beyond a cell), for an `unregister` op
        if (outcome?.error != null || !state.keepsRegistrations) {
          await client.unregister(op.ns, { notify: false })
        }
        if (outcome?.error != null) {
          return { op: op.op, ok: false, ...statusOf(outcome.error) }
        }
        return { op: op.op, ok: true, ttl: outcome?.ttl }
      }
      case 'unregister': {
        const [outcome] = await client.unregister(op.ns, { signal })
        if (outcome?.sent !== true) {
          return { op: op.op, ok: false, error: outcome?.error?.message ?? 'UNREGISTER was not sent (no registration of this namespace in this run)' }
        }
        return { op: op.op, ok: true }
      }
      default:
        return await discover(client, state, op, signal)
    }
  } catch (err: any) {
    return { op: op.op, ok: false, ...statusOf(err) }
  }
}

async function discover (client: RendezvousClient, state: ClientState, op: Extract<ClientOp, { op: 'discover' }>, signal: AbortSignal): Promise<ClientOpResult> {
  const dropped = client.stats().droppedRecords
  let cookie = state.cookie
  if (op.cookie !== 'last') {
    cookie = op.cookie == null ? undefined : uint8ArrayFromString(op.cookie, 'base16')
  }
  // the empty namespace asks for every namespace (1.0.0)
  const result = await client.discover(op.ns ?? '', { limit: op.limit, cookie, signal })
  state.cookie = result.cookie
  const refused = client.stats().droppedRecords - dropped
  return {
    op: op.op,
    ok: true,
    registrations: result.registrations.map(r => ({ peerId: r.peerId.toString(), ns: r.namespace, ttl: r.ttl, envelope: hex(r.signedPeerRecord) })),
    cookie: result.cookie == null ? undefined : hex(result.cookie),
    error: refused > 0 ? `the client refused ${refused} registration(s) that did not verify` : undefined
  }
}

function statusOf (err: Error): Pick<ClientOpResult, 'status' | 'statusText' | 'error'> {
  if (err instanceof RendezvousStatusError) {
    return { status: err.status, statusText: err.statusText, error: err.message }
  }
  return { error: `${err.name}: ${err.message}` }
}

async function rawRequest (node: Libp2p, privateKey: PrivateKey, dialect: Dialect, op: RawOp): Promise<{ frame: Uint8Array, envelope?: string }> {
  switch (op.op) {
    case 'frame':
      return { frame: uint8ArrayFromString(op.hex, 'base16') }
    case 'discover':
      return { frame: encodeMessageFrame(dialect, { type: 'DISCOVER', ns: op.ns, limit: op.limit, cookie: op.cookie == null ? undefined : uint8ArrayFromString(op.cookie, 'base16') }) }
    default: {
      const envelope = await sealPeerRecord(privateKey, recordAddresses(node))
      return { frame: encodeMessageFrame(dialect, { type: 'REGISTER', ns: op.ns, signedPeerRecord: envelope, ttl: op.ttl }), envelope: hex(envelope) }
    }
  }
}
