import { encodeFrame } from './framing.ts'
import type { RendezvousMessage, RendezvousRequest, RendezvousResponse } from './messages.ts'
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

export interface DialectLimits {
  /** Longest namespace, in UTF-8 bytes */
  maxNamespaceBytes: number
  /** Most registrations one DISCOVER returns */
  maxDiscoverLimit: number
  /** Most live registrations one peer may hold at a point (`Infinity`: no limit in the protocol) */
  maxRegistrationsPerPeer: number
  /** Most bytes of binary multiaddrs one peer record may carry (`Infinity`: no limit in the protocol) */
  maxPeerAddressBytes: number
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

/**
 * One rendezvous dialect as a value: its protocol ID, its message codec, and the TTL policy and
 * limits its reference implementations use. Servers and clients take dialects as arguments, so a
 * new dialect is a new value, not new control flow.
 */
export interface Dialect {
  /** A short stable name, e.g. `rendezvous/1.0.0` */
  readonly name: string
  /** The libp2p protocol ID */
  readonly protocol: string
  readonly ttl: Readonly<TtlPolicy>
  readonly limits: Readonly<DialectLimits>
  readonly features: Readonly<DialectFeatures>

  /** The dialect's own name for a status code (`E_INVALID_PEER_INFO` for 101 in 0.0.1) */
  statusName (code: number): string

  /**
   * Encode one message as protobuf bytes, without a length prefix.
   *
   * @throws {UnsupportedByDialectError} when the dialect cannot express the message
   * @throws {InvalidMessageError} for a field value out of the wire type's range
   */
  encode (message: RendezvousMessage): Uint8Array

  /**
   * Decode one message (without its length prefix).
   *
   * @throws {InvalidMessageError} and subclasses, for any input that is not a valid message
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
