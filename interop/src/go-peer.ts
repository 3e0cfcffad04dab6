import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { GOLDEN_ENVELOPE_HEX, waku } from '@rendezvous/codec'
import { JsonLinesProcess } from './json-lines-process.ts'
import type { DeviationId } from './deviations.ts'
import type { ClientOp, ClientOpResult, ClientPeer, FrameSample, Implementation, RawOp, RawResult, RunOptions, ServerHandle } from './implementation.ts'
import type { JsonEvent } from './json-lines-process.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/** Options of {@link goWakuImplementation} */
export interface GoWakuOptions {
  /** The built go-rdv binary */
  binary: string
  /** Milliseconds a server may take to print its `ready` line (default 15 000) */
  startTimeout?: number
  /** Milliseconds a server process may live at most (default 10 min) */
  serverLifetime?: number
  /** Called with each stderr line of every child, for `--verbose` runs */
  onStderr?(line: string): void
}

const OP_EVENTS = new Set(['register', 'discover', 'record', 'sleep', 'frame', 'error'])

/** The Go reference of `/vac/waku/rendezvous/0.0.1` (go-waku-rendezvous), driven through go-rdv */
export class GoWakuImplementation implements Implementation {
  readonly name = 'go-waku-rendezvous'
  readonly dialect: Dialect = waku
  readonly serverDeviations: ReadonlySet<DeviationId> = new Set<DeviationId>(['ttl-read-as-nanoseconds', 'biased-discover-sample', 'quadratic-discover-limit'])
  private readonly options: Required<Omit<GoWakuOptions, 'onStderr'>> & Pick<GoWakuOptions, 'onStderr'>
  private keyDir?: string
  private keyFiles = 0

  constructor (options: GoWakuOptions) {
    this.options = { startTimeout: 15_000, serverLifetime: 600_000, ...options }
  }

  async startServer (): Promise<ServerHandle> {
    const child = this.spawn(['server', '--listen', '/ip4/127.0.0.1/tcp/0'], this.options.serverLifetime)
    let ready: JsonEvent
    try {
      ready = await child.waitFor(e => e.event === 'ready', this.options.startTimeout, 'the go-rdv server\'s ready line')
    } catch (err) {
      await child.stop()
      throw err
    }
    const multiaddr = (ready.multiaddrs as string[] | undefined)?.find(a => a.startsWith('/ip4/127.0.0.1/'))
    if (multiaddr == null) {
      await child.stop()
      throw new Error(`the go-rdv server listens on no loopback address: ${JSON.stringify(ready.multiaddrs)}`)
    }
    return {
      implementation: this,
      peerId: ready.peerId,
      multiaddr,
      stop: async () => { await child.stop() }
    }
  }

  async startClient (server: ServerHandle, privateKey: PrivateKey): Promise<ClientPeer> {
    const keyFile = this.writeKey(privateKey)
    const peerId = peerIdFromPrivateKey(privateKey).toString()
    const common = (options: RunOptions): string[] => ['--key', keyFile, '--server', server.multiaddr, '--timeout', `${options.opTimeout}ms`]
    const lifetime = (ops: Array<{ op: string, ms?: number }>, options: RunOptions): number =>
      ops.reduce((sum, op) => sum + (op.op === 'sleep' ? op.ms ?? 0 : options.opTimeout), 0) + 2 * options.opTimeout + 5_000

    return {
      peerId,
      privateKey,
      run: async (ops, options) => {
        const events = await this.runToEnd(['client', ...common(options), '--ops-json', JSON.stringify(ops.map(toGoOp))], lifetime(ops, options), ops.length)
        return events.map((event, i) => toClientResult(ops[i], event))
      },
      raw: async (ops, options) => {
        const events = await this.runToEnd(['raw', ...common(options), '--ops-json', JSON.stringify(ops.map(toGoOp))], lifetime(ops, options), ops.length)
        return events.map(toRawResult)
      },
      stop: async () => {
        rmSync(keyFile, { force: true })
      }
    }
  }

  async frames (): Promise<FrameSample[]> {
    const child = this.spawn(['frames', '--envelope', GOLDEN_ENVELOPE_HEX], 30_000)
    await child.waitForExit(30_000)
    const frames = child.events.filter(e => e.event === 'frame')
    if (frames.length === 0) {
      throw new Error(`go-rdv frames printed no frame${child.tail()}`)
    }
    return frames.map(e => ({ name: `go-rdv frames: ${e.name}`, hex: e.hex }))
  }

  /** The deterministic record (seed 01..20, /ip4/127.0.0.1/tcp/4001, seq 1) as go-libp2p seals it */
  async referenceEnvelope (): Promise<string> {
    const child = this.spawn(['frames'], 30_000)
    const envelope = await child.waitFor(e => e.event === 'envelope', 30_000, 'the envelope line of go-rdv frames')
    await child.waitForExit(30_000)
    return envelope.hex
  }

  /** Remove the key files written for clients */
  cleanup (): void {
    if (this.keyDir != null) {
      rmSync(this.keyDir, { recursive: true, force: true })
      this.keyDir = undefined
    }
  }

  private spawn (args: string[], lifetime: number): JsonLinesProcess {
    return JsonLinesProcess.start(this.options.binary, args, { lifetime, onStderr: this.options.onStderr })
  }

  /** go-rdv reads a fixed identity from a file holding the libp2p protobuf of the private key */
  private writeKey (privateKey: PrivateKey): string {
    this.keyDir ??= mkdtempSync(join(tmpdir(), 'rendezvous-interop-'))
    const file = join(this.keyDir, `client-${++this.keyFiles}.key`)
    writeFileSync(file, privateKeyToProtobuf(privateKey), { mode: 0o600 })
    return file
  }

  /** Run a client or raw session to its end: one event per op, in order */
  private async runToEnd (args: string[], lifetime: number, count: number): Promise<JsonEvent[]> {
    const child = this.spawn(args, lifetime)
    const exit = await child.waitForExit(lifetime)
    const ready = child.events.findIndex(e => e.event === 'ready')
    if (ready < 0) {
      const error = child.events.find(e => e.event === 'error')
      throw new Error(`go-rdv ${args[0]} did not start (exit ${exit.code ?? exit.signal}): ${error?.message ?? 'no ready line'}${child.tail()}`)
    }
    const results = child.events.slice(ready + 1).filter(e => OP_EVENTS.has(e.event ?? ''))
    if (results.length < count) {
      throw new Error(`go-rdv ${args[0]} reported ${results.length} of ${count} ops (exit ${exit.code ?? exit.signal})${child.tail()}`)
    }
    return results.slice(0, count)
  }
}

/** The go-waku-rendezvous implementation, driven through the go-rdv binary */
export function goWakuImplementation (options: GoWakuOptions): GoWakuImplementation {
  return new GoWakuImplementation(options)
}

function toGoOp (op: ClientOp | RawOp): Record<string, unknown> {
  // go-rdv's --ops-json keys are these names; absent values stay absent
  return Object.fromEntries(Object.entries(op).filter(([, v]) => v !== undefined))
}

function toClientResult (op: ClientOp, event: JsonEvent): ClientOpResult {
  if (event.event === 'error') {
    return { op: op.op, ok: false, error: event.message }
  }
  return {
    op: op.op,
    ok: event.ok ?? (event.event === 'record' || event.event === 'sleep'),
    status: event.status,
    statusText: event.statusText,
    ttl: event.ttl,
    envelope: event.envelope,
    frame: event.frame,
    error: event.error,
    registrations: (event.registrations as JsonEvent[] | undefined)?.map(r => ({ peerId: r.peerId, ns: r.ns, ttl: r.ttl, envelope: r.envelope })) ??
      (event.event === 'discover' && event.ok === true ? [] : undefined)
  }
}

function toRawResult (event: JsonEvent): RawResult {
  return {
    sent: event.sent,
    envelope: event.envelope,
    frame: event.frame,
    end: event.streamEnd ?? (event.frame == null ? 'error' : undefined),
    error: event.error ?? (event.event === 'error' ? event.message : undefined)
  }
}
