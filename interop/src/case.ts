import type { ClientOptions, ClientPeer, Implementation, ServerHandle } from './implementation.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/** A client implementation talking to a server implementation */
export interface Pair {
  client: Implementation
  server: Implementation
}

/** What a case gets to work with; everything it starts is stopped after it, pass or fail */
export interface CaseContext {
  pair: Pair
  /** The dialect both sides speak */
  dialect: Dialect
  /** A fresh server of `pair.server`, with an empty store */
  server: ServerHandle
  /** A fresh client of `pair.client` with a new identity, connected to `server` */
  newClient(): Promise<ClientPeer>
  /** A fresh client of any implementation of the run (see `implementations`), connected to `server` */
  newClientOf(implementation: Implementation, options?: ClientOptions): Promise<ClientPeer>
  /** Every implementation of the run, for rows that bring in clients of several families */
  implementations: readonly Implementation[]
  /** A new Ed25519 identity that is not a client's */
  newKey(): Promise<PrivateKey>
  /** Milliseconds one request may take */
  opTimeout: number
}

/**
 * `pass`: the protocol's behaviour. `deviation`: a documented deviation of the server, observed exactly
 * as documented. A case that sees anything else throws, which the matrix records as FAIL.
 */
export type Verdict = 'pass' | 'deviation'

export interface CaseOutcome {
  verdict: Verdict
  /** One line on what was observed */
  detail: string
  /** Figures other reports use (e.g. the status code and text of a REGISTER error) */
  data?: Record<string, unknown>
}

/** One row of the matrix */
export interface Case {
  /** Stable ID, for `--only` */
  id: string
  /** The row's label */
  title: string
  /**
   * Names of the dialects whose rules the case's expectations are written for (ttl window, limits, status
   * texts); pairs of other dialects get no cell in this row. Default: every dialect.
   */
  dialects?: readonly string[]
  /**
   * Whether the row has a cell for this pair (default: yes). A row that makes no sense for a pair (it needs
   * raw frames the client cannot write, or it is about this repository's server) has none, shown as —.
   */
  applies?(pair: Pair, implementations: readonly Implementation[]): boolean
  run(ctx: CaseContext): Promise<CaseOutcome>
}

/** A case saw behaviour that is neither the protocol's nor a documented deviation */
export class CaseFailure extends Error {
  static name = 'CaseFailure'
  override name = 'CaseFailure'
}

/** Fail the case with `message` unless `condition` holds */
export function check (condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new CaseFailure(message)
  }
}
