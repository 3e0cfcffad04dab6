import { wakuV0 } from '@rendezvous/codec'
import { GOLDEN_ENVELOPE_HEX } from '@rendezvous/codec/testing'
import { ProgramImplementation } from './program-implementation.ts'
import type { DeviationId } from './deviations.ts'
import type { FrameSample } from './implementation.ts'
import type { PeerProgramOptions } from './peer-program.ts'
import type { Dialect } from '@rendezvous/codec'

/** Options of {@link goWakuImplementation}: the built go-rdv binary and how to drive it */
export type GoWakuOptions = PeerProgramOptions

/** The Go reference of `/vac/waku/rendezvous/0.0.1` (go-waku-rendezvous), driven through go-rdv */
export class GoWakuImplementation extends ProgramImplementation {
  readonly name = 'go-waku-rendezvous'
  readonly dialect: Dialect = wakuV0
  readonly serverDeviations: ReadonlySet<DeviationId> = new Set<DeviationId>(['ttl-read-as-nanoseconds', 'biased-discover-sample', 'quadratic-discover-limit'])
  readonly client = { reads: ['standard'], seals: 'standard', raw: true }
  readonly serverReads = ['standard']

  constructor (options: GoWakuOptions) {
    super(options, { timeout: ms => ['--timeout', `${ms}ms`] })
  }

  protected serverArgs (): string[] {
    return ['server', '--listen', '/ip4/127.0.0.1/tcp/0']
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
}

/** The go-waku-rendezvous implementation, driven through the go-rdv binary */
export function goWakuImplementation (options: GoWakuOptions): GoWakuImplementation {
  return new GoWakuImplementation(options)
}
