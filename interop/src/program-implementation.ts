import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { NoRawModeError } from './errors.ts'
import { PeerProgram, toClientResult, toProgramOp, toRawResult } from './peer-program.ts'
import type { DeviationId } from './deviations.ts'
import type { ClientOp, ClientPeer, ClientTraits, Implementation, RawOp, ServerHandle } from './implementation.ts'
import type { JsonEvent } from './json-lines-process.ts'
import type { PeerProgramOptions } from './peer-program.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/** How a peer program's client modes take their arguments, where the three programs differ */
export interface ProgramClientFlags {
  /** The flags bounding each op (the Go programs take a Go duration, rust-rdv milliseconds) */
  timeout(opTimeout: number): string[]
  /** Why the program has no `raw` mode, when it has none */
  noRawMode?: string
}

/**
 * An {@link Implementation} driven through a foreign peer program (go-rdv, go-lrdv, rust-rdv): servers
 * started with the arguments of {@link serverArgs}, clients run as `client` and `raw` processes with a
 * key file, each run to its end. An adapter says only what differs: its name, dialect, deviations and
 * traits, its server's arguments and its client flags.
 */
export abstract class ProgramImplementation implements Implementation {
  abstract readonly name: string
  abstract readonly dialect: Dialect
  abstract readonly serverDeviations: ReadonlySet<DeviationId>
  abstract readonly client: ClientTraits
  abstract readonly serverReads: readonly string[]
  protected readonly program: PeerProgram
  private readonly flags: ProgramClientFlags

  constructor (options: PeerProgramOptions, flags: ProgramClientFlags) {
    this.program = new PeerProgram(options)
    this.flags = flags
  }

  /** The arguments of the program's server mode: a fresh server on 127.0.0.1 with an empty store */
  protected abstract serverArgs (): string[]

  async startServer (): Promise<ServerHandle> {
    const server = await this.program.startServer(this.serverArgs())
    return { implementation: this, ...server }
  }

  async startClient (server: ServerHandle, privateKey: PrivateKey): Promise<ClientPeer> {
    const keyFile = this.program.writeKey(privateKey)
    const { timeout, noRawMode } = this.flags
    const runToEnd = async (mode: 'client' | 'raw', ops: ReadonlyArray<ClientOp | RawOp>, opTimeout: number): Promise<JsonEvent[]> => {
      const args = [mode, '--key', keyFile, '--server', server.multiaddr, ...timeout(opTimeout), '--ops-json', JSON.stringify(ops.map(toProgramOp))]
      return this.program.runToEnd(args, this.program.lifetime(ops, { opTimeout }), ops.length)
    }
    return {
      peerId: peerIdFromPrivateKey(privateKey).toString(),
      privateKey,
      run: async (ops, options) => {
        const events = await runToEnd('client', ops, options.opTimeout)
        return events.map((event, i) => toClientResult(ops[i], event))
      },
      raw: async (ops, options) => {
        if (noRawMode != null) {
          throw new NoRawModeError(noRawMode)
        }
        return (await runToEnd('raw', ops, options.opTimeout)).map(toRawResult)
      },
      stop: async () => {}
    }
  }

  /** Remove the key files (and databases) written for this implementation's peers */
  cleanup (): void {
    this.program.cleanup()
  }
}
