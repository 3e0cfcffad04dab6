import { encodeFrame } from './framing.ts'
import type { RendezvousMessage, RendezvousRequest, RendezvousResponse } from './messages.ts'
import type { RecordFormat } from './record-format.ts'
import type { StatusCode } from './status.ts'
import type { Uint8ArrayList } from 'uint8arraylist'

/** TTLs in seconds */
export interface TtlPolicy {
  /** Granted when a REGISTER gives no TTL */
  default: number
  /** The smallest TTL a point of this dialect accepts by default */
  min: number
  /** The largest TTL a point of this dialect accepts by default */
  max: number
}

/** How a dialect reads the TTL of a REGISTER, beyond its window */
export interface DialectTtl extends TtlPolicy {
  /** What an explicit TTL of 0 means: the default TTL, or a TTL outside the window (E_INVALID_TTL) */
  zero: 'default' | 'invalid'
  /** Whether a point's operator may set the window (`ttl` of the server's init, the daemon's `--ttl-*` flags) */
  adjustable: boolean
}

export interface DialectLimits {
  /** Longest namespace, in UTF-8 bytes */
  maxNamespaceBytes: number
  /** Most registrations one DISCOVER returns */
  maxDiscoverLimit: number
  /** Most live registrations one peer may hold at a point (`Infinity`: no limit in the protocol) */
  maxRegistrationsPerPeer: number
  /** Most bytes of binary multiaddrs one peer record may carry (`Infinity`: no limit in the protocol) */
  maxPeerAddressBytes: number
  /** Largest request frame the dialect's reference points read (`Infinity`: the point's own limit) */
  maxRequestBytes: number
}

/** What a dialect can express */
export interface DialectFeatures {
  /** UNREGISTER exists */
  unregister: boolean
  /** DISCOVER carries cookies for incremental discovery */
  cookies: boolean
  /** DISCOVER with an empty namespace returns every namespace */
  discoverAllNamespaces: boolean
}

/** How a dialect answers DISCOVER */
export interface DiscoverySemantics {
  /** `paged`: in registration order, resumed with cookies; `sample`: a uniform random sample of the namespace */
  mode: 'paged' | 'sample'
  /** The TTL each registration carries in an answer: what is left of it, or what was granted */
  ttl: 'remaining' | 'granted'
  /** What a DISCOVER limit of 0 (or an absent one) asks for: as many as allowed, or none */
  zeroLimit: 'max' | 'none'
}

/** Which peer-record formats a dialect carries */
export interface DialectRecords {
  /** The formats a point of this dialect accepts in a REGISTER (anything else: E_INVALID_SIGNED_PEER_RECORD) */
  accepts: readonly RecordFormat[]
  /** The format a client seals by default on this dialect */
  seals: RecordFormat
  /**
   * The formats a requester that says nothing about itself is served: what the dialect's common clients
   * read (docs/server-behaviour.md, "What each requester is served")
   */
  served: readonly RecordFormat[]
}

/** The status texts a point of the dialect answers with, in the words of its reference */
export interface DialectTexts {
  emptyNamespace: string
  longNamespace (maxBytes: number): string
  missingRecord: string
  invalidRecord (reason: string): string
  peerMismatch: string
  noAddresses: string
  longAddresses (maxBytes: number): string
  badTtl (min: number, max: number): string
  perPeerLimit: string
  globalLimit: string
  invalidCookie: string
  /** E_UNAVAILABLE to a peer that asked for more DISCOVER answer bytes than the point sends one peer per second */
  discoverRateLimited: string
}

/**
 * One rendezvous dialect as a value: everything that differs between dialects. Servers, clients and the
 * daemon take dialects as values from the registry (`DIALECTS`, `dialect()`), and never branch on which
 * one it is, so a new dialect is one file and one line in the registry.
 */
export interface Dialect {
  /** A short stable name: `rendezvous/1.0.0`, `waku/0.0.1`, `waku/1.0.0` */
  readonly name: string
  /** The libp2p protocol ID */
  readonly protocol: string
  readonly ttl: Readonly<DialectTtl>
  readonly limits: Readonly<DialectLimits>
  readonly features: Readonly<DialectFeatures>
  readonly discovery: Readonly<DiscoverySemantics>
  readonly records: Readonly<DialectRecords>
  /** Whether a point serves several requests on one stream, or one request and then closes */
  readonly requestsPerStream: 'many' | 'one'
  /** What UNREGISTER with an empty namespace does: remove all of the peer's registrations, or nothing */
  readonly unregisterEmptyNamespace: 'all' | 'ignore'
  /** The status answered to a record of another peer than the connection's remote peer */
  readonly peerMismatchStatus: StatusCode
  readonly texts: Readonly<DialectTexts>

  /** The dialect's own name for a status code (`E_INVALID_PEER_INFO` for 101 in 0.0.1) */
  statusName (code: number): string

  /**
   * Encode one message as protobuf bytes, without a length prefix.
   *
   * @throws {UnsupportedByDialectError} when the dialect cannot express the message
   * @throws {MalformedMessageError} for a field value out of the wire type's range
   */
  encode (message: RendezvousMessage): Uint8Array

  /**
   * Decode one message (without its length prefix).
   *
   * @throws {MalformedMessageError} and subclasses, for any input that is not a valid message
   */
  decode (bytes: Uint8Array | Uint8ArrayList): RendezvousMessage
}

/** Encode a message and prefix it with its length, ready to write to a stream */
export function encodeMessageFrame (dialect: Dialect, message: RendezvousMessage): Uint8Array {
  return encodeFrame(dialect.encode(message))
}

/** Whether a decoded message is one a client sends */
export function isRequest (message: RendezvousMessage): message is RendezvousRequest {
  return message.type === 'REGISTER' || message.type === 'DISCOVER' || message.type === 'UNREGISTER'
}

/** Whether a decoded message is one a rendezvous point sends */
export function isResponse (message: RendezvousMessage): message is RendezvousResponse {
  return message.type === 'REGISTER_RESPONSE' || message.type === 'DISCOVER_RESPONSE'
}
