import type { DeviationId } from './deviations.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/**
 * One rendezvous implementation the harness can run, as a server, as a client, or both. Adding an
 * implementation (a go or rust `/rendezvous/1.0.0`, say) means writing one of these adapters and listing
 * it in the pairs; the cases and the matrix do not change.
 */
export interface Implementation {
  /** Short stable name used in the matrix, e.g. `ts` or `go-waku-rendezvous` */
  readonly name: string
  /** The dialect (protocol ID and wire format) it speaks, from `@rendezvous/codec` */
  readonly dialect: Dialect
  /**
   * Its documented deviations from the protocol as a server. Cases assert the deviant behaviour for these
   * (an "expected deviation" cell) and the protocol's behaviour otherwise.
   */
  readonly serverDeviations: ReadonlySet<DeviationId>
  /** What its client can do */
  readonly client: ClientTraits
  /** The peer-record formats (`@rendezvous/codec` names) its server accepts in a REGISTER */
  readonly serverReads: readonly string[]
  /**
   * The status texts its server answers to `/rendezvous/1.0.0` errors: texts are free-form, and every point
   * words them its own way, so each row checks the server's own (rust-libp2p sends none: '')
   */
  readonly errorTexts?: Readonly<Record<ErrorTextKind, string>>
  /** The shape of its server's DISCOVER cookies, where the dialect has cookies (they are opaque to clients, and differ) */
  readonly cookieShape?: CookieShape
  /** Start a fresh server on 127.0.0.1 with an empty store */
  startServer(): Promise<ServerHandle>
  /** Start a client with the given identity, connected to `server` */
  startClient(server: ServerHandle, privateKey: PrivateKey, options?: ClientOptions): Promise<ClientPeer>
  /** The frames this implementation writes for well-known messages (for the golden-vector case) */
  frames?(): Promise<FrameSample[]>
  /**
   * The deterministic peer record (Ed25519 key from the seed 01 02 … 20, address /ip4/127.0.0.1/tcp/4001,
   * seq 1) sealed by this implementation, hex. Ed25519 signatures are deterministic, so every correct
   * implementation writes the same bytes.
   */
  referenceEnvelope?(): Promise<string>
}

/** What an implementation's client reads, writes and can be asked to do */
export interface ClientTraits {
  /** The peer-record formats (`@rendezvous/codec` names) its client can read in a DISCOVER answer */
  reads: readonly string[]
  /** The format its client seals its own record in (by default, for a client that can choose) */
  seals: string
  /** Whether it can write arbitrary frames on one stream ({@link ClientPeer.raw}); rows that need it have no cell otherwise */
  raw: boolean
}

/** The REGISTER errors whose status texts the 1.0.0 rows check */
export type ErrorTextKind = 'emptyNamespace' | 'longNamespace' | 'badTtl' | 'invalidRecord' | 'peerMismatch'

/** What a server's cookies look like */
export interface CookieShape {
  /** In words, for the matrix */
  describe: string
  /** Its length for a DISCOVER of `namespace` */
  bytes(namespace: string): number
}

/** Per-client choices, for implementations whose client has them */
export interface ClientOptions {
  /** The record format to register with (this repository's client: `recordFormat` of the point) */
  recordFormat?: string
  /** Another dialect than the implementation's, by name or protocol ID (this repository's client only) */
  dialect?: string
}

/** A running server */
export interface ServerHandle {
  readonly implementation: Implementation
  readonly peerId: string
  /** A loopback multiaddr ending in `/p2p/<peerId>` */
  readonly multiaddr: string
  stop(): Promise<void>
}

/** A frame an implementation wrote, with the message it stands for */
export interface FrameSample {
  /** Where it comes from, e.g. `go-rdv frames: register_response_ok_ttl_20` */
  name: string
  /** Length-prefixed frame, hex */
  hex: string
}

/** What a client can be asked to do through its ordinary (high-level) API */
export type ClientOp =
  | { op: 'register', ns: string, ttl?: number }
  /** `ns` absent: every namespace (1.0.0); `cookie` hex, or `last` for the cookie of the previous discover of the run */
  | { op: 'discover', ns?: string, limit?: number, cookie?: string }
  | { op: 'unregister', ns: string }
  | { op: 'sleep', ms: number }
  | { op: 'record' }

/** One registration a client discovered */
export interface DiscoveredPeer {
  peerId: string
  ns: string
  ttl?: number
  /** The signed envelope, hex */
  envelope: string
}

/** The result of one {@link ClientOp} */
export interface ClientOpResult {
  op: ClientOp['op']
  ok: boolean
  /** Protocol status on a refusal */
  status?: number
  statusText?: string
  /** register: granted ttl */
  ttl?: number
  /** register: the envelope sent, record: the envelope the client would send (hex) */
  envelope?: string
  /** discover: what came back */
  registrations?: DiscoveredPeer[]
  /** discover: the cookie of the answer, hex */
  cookie?: string
  /** discover: registrations of the answer the client dropped because it cannot read their records */
  skipped?: number
  /** The response frame as received (hex), when the implementation can report it */
  frame?: string
  /** A failure that is not a protocol status (timeout, reset…) */
  error?: string
}

/** A request written verbatim (already framed) or built by the client on one raw stream */
export type RawOp =
  | { op: 'register', ns: string, ttl?: number }
  | { op: 'discover', ns: string, limit?: number, cookie?: string }
  | { op: 'frame', hex: string }

/** What came back for one {@link RawOp} */
export interface RawResult {
  /** The request frame written (hex), when known */
  sent?: string
  /** register: the envelope sent (hex) */
  envelope?: string
  /** The response frame (hex, length prefix included); absent when the stream ended first */
  frame?: string
  /** How the stream ended instead of answering */
  end?: 'reset' | 'eof' | 'timeout' | 'error'
  error?: string
}

/** Options of a client run */
export interface RunOptions {
  /** Milliseconds each op may take (sleeps excepted) */
  opTimeout: number
}

/** A client peer with a fixed identity */
export interface ClientPeer {
  readonly peerId: string
  readonly privateKey: PrivateKey
  /** Run ops one after the other through the implementation's client API */
  run(ops: ClientOp[], options: RunOptions): Promise<ClientOpResult[]>
  /** Run ops on ONE stream, each response read before the next request is written */
  raw(ops: RawOp[], options: RunOptions): Promise<RawResult[]>
  stop(): Promise<void>
}
