import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { wakuV0 } from '@rendezvous/codec'
import { GOLDEN_ENVELOPE_HEX } from '@rendezvous/codec/testing'
import { PeerProgram, toClientResult, toProgramOp, toRawResult } from './peer-program.ts'
import type { DeviationId } from './deviations.ts'
import type { ClientPeer, FrameSample, Implementation, RunOptions, ServerHandle } from './implementation.ts'
import type { PeerProgramOptions } from './peer-program.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/** Options of {@link goWakuImplementation}: the built go-rdv binary and how to drive it */
export type GoWakuOptions = PeerProgramOptions

/** The Go reference of `/vac/waku/rendezvous/0.0.1` (go-waku-rendezvous), driven through go-rdv */
export class GoWakuImplementation implements Implementation {
  readonly name = 'go-waku-rendezvous'
  readonly dialect: Dialect = wakuV0
  readonly serverDeviations: ReadonlySet<DeviationId> = new Set<DeviationId>(['ttl-read-as-nanoseconds', 'biased-discover-sample', 'quadratic-discover-limit'])
  readonly client = { reads: ['standard'], seals: 'standard', raw: true }
  readonly serverReads = ['standard']
  private readonly program: PeerProgram

  constructor (options: GoWakuOptions) {
    this.program = new PeerProgram(options)
  }

  async startServer (): Promise<ServerHandle> {
    const server = await this.program.startServer(['server', '--listen', '/ip4/127.0.0.1/tcp/0'])
    return { implementation: this, ...server }
  }

  async startClient (server: ServerHandle, privateKey: PrivateKey): Promise<ClientPeer> {
    const keyFile = this.program.writeKey(privateKey)
    const peerId = peerIdFromPrivateKey(privateKey).toString()
    const common = (options: RunOptions): string[] => ['--key', keyFile, '--server', server.multiaddr, '--timeout', `${options.opTimeout}ms`]

    return {
      peerId,
      privateKey,
      run: async (ops, options) => {
        const events = await this.program.runToEnd(['client', ...common(options), '--ops-json', JSON.stringify(ops.map(toProgramOp))], this.program.lifetime(ops, options), ops.length)
        return events.map((event, i) => toClientResult(ops[i], event))
      },
      raw: async (ops, options) => {
        const events = await this.program.runToEnd(['raw', ...common(options), '--ops-json', JSON.stringify(ops.map(toProgramOp))], this.program.lifetime(ops, options), ops.length)
        return events.map(toRawResult)
      },
      stop: async () => {}
    }
  }

  async frames (): Promise<FrameSample[]> {
    const child = this.program.spawn(['frames', '--envelope', GOLDEN_ENVELOPE_HEX], 30_000)
    await child.waitForExit(30_000)
    const frames = child.events.filter(e => e.event === 'frame')
    if (frames.length === 0) {
      throw new Error(`go-rdv frames printed no frame${child.tail()}`)
    }
    return frames.map(e => ({ name: `go-rdv frames: ${e.name}`, hex: e.hex }))
  }

  /** The deterministic record (seed 01..20, /ip4/127.0.0.1/tcp/4001, seq 1) as go-libp2p seals it */
  async referenceEnvelope (): Promise<string> {
    const child = this.program.spawn(['frames'], 30_000)
    const envelope = await child.waitFor(e => e.event === 'envelope', 30_000, 'the envelope line of go-rdv frames')
    await child.waitForExit(30_000)
    return envelope.hex
  }

  /** Remove the key files written for clients */
  cleanup (): void {
    this.program.cleanup()
  }
}

/** The go-waku-rendezvous implementation, driven through the go-rdv binary */
export function goWakuImplementation (options: GoWakuOptions): GoWakuImplementation {
  return new GoWakuImplementation(options)
}
