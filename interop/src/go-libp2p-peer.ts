import { rendezvous } from '@rendezvous/codec'
import { ProgramImplementation } from './program-implementation.ts'
import type { DeviationId } from './deviations.ts'
import type { PeerProgramOptions } from './peer-program.ts'
import type { Dialect } from '@rendezvous/codec'

/** Options of {@link goLibp2pImplementation}: the built go-lrdv binary and how to drive it */
export type GoLibp2pOptions = PeerProgramOptions

/**
 * go-libp2p-rendezvous as go-waku ships it (github.com/waku-org/go-libp2p-rendezvous, `/rendezvous/1.0.0`),
 * driven through go-lrdv: its `RendezvousService` over its SQLite DB, its `RendezvousPoint` client.
 */
export class GoLibp2pImplementation extends ProgramImplementation {
  readonly name = 'go-libp2p-rendezvous'
  readonly dialect: Dialect = rendezvous
  readonly serverDeviations: ReadonlySet<DeviationId> = new Set<DeviationId>([
    'ttl-below-minimum-granted', 'namespace-256-accepted', 'discover-ns-left-empty', 'discover-all-ns-aliased', 'peer-mismatch-101'
  ])

  // go-libp2p opens only `standard` records (peer.PeerRecordEnvelopeDomain)
  readonly client = { reads: ['standard'], seals: 'standard', raw: true }
  readonly serverReads = ['standard']
  // db/sqlite/db.go packCookie: the row counter, then SHA-256(nonce ‖ ns ‖ counter)
  readonly cookieShape = { describe: 'counter (8) ‖ SHA-256 (32)', bytes: () => 40 }
  // svc.go's texts
  readonly errorTexts = { emptyNamespace: 'unspecified namespace', longNamespace: 'namespace too long', badTtl: 'bad ttl', invalidRecord: 'invalid peer record', peerMismatch: 'peer id mismatch' }

  constructor (options: GoLibp2pOptions) {
    super(options, { timeout: ms => ['--timeout', `${ms}ms`] })
  }

  // each server its own SQLite file, removed by cleanup()
  protected serverArgs (): string[] {
    return ['server', '--listen', '/ip4/127.0.0.1/tcp/0', '--db', this.program.scratchFile('registrations.db')]
  }
}

/** The go-libp2p-rendezvous implementation, driven through the go-lrdv binary */
export function goLibp2pImplementation (options: GoLibp2pOptions): GoLibp2pImplementation {
  return new GoLibp2pImplementation(options)
}
