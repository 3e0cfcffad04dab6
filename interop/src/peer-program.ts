import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { JsonLinesProcess } from './json-lines-process.ts'
import type { ClientOp, ClientOpResult, RawOp, RawResult, RunOptions } from './implementation.ts'
import type { JsonEvent } from './json-lines-process.ts'
import type { PrivateKey } from '@libp2p/interface'

/** Options of a {@link PeerProgram} */
export interface PeerProgramOptions {
  /** The built binary */
  binary: string
  /** Milliseconds a server may take to print its `ready` line (default 15 000) */
  startTimeout?: number
  /** Milliseconds a server process may live at most (default 10 min) */
  serverLifetime?: number
  /** Called with each stderr line of every child, for `--verbose` runs */
  onStderr?(line: string): void
  /** Working directory of the children */
  cwd?: string
  /** Milliseconds a stopping server has between SIGTERM and SIGKILL (default 2 000) */
  stopGrace?: number
}

/** A server process that printed its `ready` line */
export interface ServerProcess {
  peerId: string
  /** Its loopback multiaddr, ending in `/p2p/<peer id>` */
  multiaddr: string
  pid?: number
  /** Every JSON line it printed, in order; complete once `stop()` has resolved */
  events: readonly JsonEvent[]
  stop(): Promise<void>
}

const OP_EVENTS = new Set(['register', 'discover', 'unregister', 'record', 'sleep', 'frame', 'error'])

/**
 * A foreign peer program (go-rdv, go-lrdv, rust-rdv): a server mode that prints a `ready` line and runs
 * until its stdin closes, and client modes that print `ready`, one line per op, and exit. Identities are
 * handed over as key files holding the libp2p protobuf of the private key.
 */
export class PeerProgram {
  private readonly options: PeerProgramOptions & Required<Pick<PeerProgramOptions, 'startTimeout' | 'serverLifetime' | 'stopGrace'>>
  private scratch?: string
  private files = 0

  constructor (options: PeerProgramOptions) {
    this.options = { startTimeout: 15_000, serverLifetime: 600_000, stopGrace: 2_000, ...options }
  }

  get binary (): string {
    return this.options.binary
  }

  spawn (args: string[], lifetime: number): JsonLinesProcess {
    const { cwd, onStderr } = this.options
    return JsonLinesProcess.start(this.options.binary, args, { lifetime, cwd, onStderr })
  }

  /** Start a server (`args` select the mode) and wait for its ready line */
  async startServer (args: string[], onStop?: () => void): Promise<ServerProcess> {
    const child = this.spawn(args, this.options.serverLifetime)
    let ready: JsonEvent
    try {
      ready = await child.waitFor(e => e.event === 'ready', this.options.startTimeout, `the ${args[0]} ready line`)
    } catch (err: any) {
      await child.stop()
      onStop?.()
      // a server that refuses its arguments says why in an error line before it exits
      const error = child.events.find(e => e.event === 'error')
      throw error == null ? err : new Error(`${args[0]} did not start: ${String(error.message)}`)
    }
    const multiaddr = (ready.multiaddrs as string[] | undefined)?.find(a => a.startsWith('/ip4/127.0.0.1/'))
    if (multiaddr == null) {
      await child.stop()
      onStop?.()
      throw new Error(`the server listens on no loopback address: ${JSON.stringify(ready.multiaddrs)}`)
    }
    return {
      peerId: ready.peerId,
      multiaddr,
      pid: child.pid,
      events: child.events,
      stop: async () => {
        await child.stop(this.options.stopGrace)
        onStop?.()
      }
    }
  }

  /** A fresh path in this program's scratch folder (key files, databases) */
  scratchFile (name: string): string {
    this.scratch ??= mkdtempSync(join(tmpdir(), 'rendezvous-interop-'))
    return join(this.scratch, `${++this.files}-${name}`)
  }

  /** Write the key file a client reads its identity from */
  writeKey (privateKey: PrivateKey): string {
    const file = this.scratchFile('client.key')
    writeFileSync(file, privateKeyToProtobuf(privateKey), { mode: 0o600 })
    return file
  }

  /** How long a client run may live: its ops' bounds, its sleeps, and slack for start and exit */
  lifetime (ops: ReadonlyArray<{ op: string, ms?: number }>, options: RunOptions): number {
    return ops.reduce((sum, op) => sum + (op.op === 'sleep' ? op.ms ?? 0 : options.opTimeout), 0) + 2 * options.opTimeout + 5_000
  }

  /** Run a client session to its end: one event per op, in order */
  async runToEnd (args: string[], lifetime: number, count: number): Promise<JsonEvent[]> {
    const child = this.spawn(args, lifetime)
    const exit = await child.waitForExit(lifetime)
    const ready = child.events.findIndex(e => e.event === 'ready')
    if (ready < 0) {
      const error = child.events.find(e => e.event === 'error')
      throw new Error(`${args[0]} did not start (exit ${exit.code ?? exit.signal}): ${error?.message ?? 'no ready line'}${child.tail()}`)
    }
    const results = child.events.slice(ready + 1).filter(e => OP_EVENTS.has(e.event ?? ''))
    if (results.length < count) {
      throw new Error(`${args[0]} reported ${results.length} of ${count} ops (exit ${exit.code ?? exit.signal})${child.tail()}`)
    }
    return results.slice(0, count)
  }

  /** Remove the scratch folder */
  cleanup (): void {
    if (this.scratch != null) {
      rmSync(this.scratch, { recursive: true, force: true })
      this.scratch = undefined
    }
  }
}

/** An op as the programs' `--ops-json` takes it: absent values stay absent */
export function toProgramOp (op: ClientOp | RawOp): Record<string, unknown> {
  return Object.fromEntries(Object.entries(op).filter(([, v]) => v !== undefined))
}

/** A program's line for one op as a {@link ClientOpResult} */
export function toClientResult (op: ClientOp, event: JsonEvent): ClientOpResult {
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
    cookie: event.cookie,
    skipped: event.skipped,
    error: event.error,
    registrations: (event.registrations as JsonEvent[] | undefined)?.map(r => ({ peerId: r.peerId, ns: r.ns, ttl: r.ttl, envelope: r.envelope })) ??
      (event.event === 'discover' && event.ok === true ? [] : undefined)
  }
}

/** A program's line for one raw op as a {@link RawResult} */
export function toRawResult (event: JsonEvent): RawResult {
  return {
    sent: event.sent,
    envelope: event.envelope,
    frame: event.frame,
    end: event.streamEnd ?? (event.frame == null || event.frame === '' ? 'error' : undefined),
    error: event.error ?? (event.event === 'error' ? event.message : undefined)
  }
}
