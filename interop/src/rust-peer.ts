import { rendezvous } from '@rendezvous/codec'
import { ProgramImplementation } from './program-implementation.ts'
import type { DeviationId } from './deviations.ts'
import type { PeerProgramOptions } from './peer-program.ts'
import type { Dialect } from '@rendezvous/codec'

/** Options of {@link rustImplementation}: the built rust-rdv binary and how to drive it */
export type RustOptions = PeerProgramOptions

/**
 * rust-libp2p's rendezvous (`libp2p` 0.57, crate `libp2p-rendezvous` 0.18), driven through rust-rdv: its
 * server behaviour with the default configuration, its client behaviour.
 */
export class RustImplementation extends ProgramImplementation {
  readonly name = 'rust-libp2p'
  readonly dialect: Dialect = rendezvous
  readonly serverDeviations: ReadonlySet<DeviationId> = new Set<DeviationId>([
    'rust-legacy-records-only', 'empty-namespace-accepted', 'bad-request-unanswered', 'discover-ttl-granted'
  ])

  // rust-libp2p seals and opens its PeerRecord in the legacy routing-state format only
  readonly client = { reads: ['rust-legacy'], seals: 'rust-legacy', raw: false }
  readonly serverReads = ['rust-legacy']
  // codec.rs Cookie::into_wire_encoding: a random id, then the namespace's bytes
  readonly cookieShape = { describe: 'random id (8) ‖ namespace', bytes: (ns: string) => 8 + new TextEncoder().encode(ns).byteLength }
  // codec.rs writes no status_text
  readonly errorTexts = { emptyNamespace: '', longNamespace: '', badTtl: '', invalidRecord: '', peerMismatch: '' }

  constructor (options: RustOptions) {
    super(options, {
      timeout: ms => ['--timeout-ms', String(ms)],
      noRawMode: 'rust-rdv has no raw mode: the crate\'s client writes only well-formed requests'
    })
  }

  protected serverArgs (): string[] {
    return ['server', '--listen', '/ip4/127.0.0.1/tcp/0']
  }
}

/** The rust-libp2p implementation, driven through the rust-rdv binary */
export function rustImplementation (options: RustOptions): RustImplementation {
  return new RustImplementation(options)
}
