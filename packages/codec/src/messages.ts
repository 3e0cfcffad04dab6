import type { StatusCode } from './status.ts'

/**
 * The messages of every dialect in one dialect-neutral shape, so that a server or a client handles
 * them once. Numbers are seconds (ttl) or counts (limit). `undefined` means the field was absent on the
 * wire; in `/vac/waku/rendezvous/0.0.1` zero values are never written, so there absent and 0 are one.
 */
export type RendezvousMessage = RegisterMessage | RegisterResponseMessage | UnregisterMessage | DiscoverMessage | DiscoverResponseMessage

/** A message a client sends */
export type RendezvousRequest = RegisterMessage | UnregisterMessage | DiscoverMessage

/** A message a rendezvous point sends */
export type RendezvousResponse = RegisterResponseMessage | DiscoverResponseMessage

/** The names of the message types */
export type MessageType = RendezvousMessage['type']

export interface RegisterMessage {
  type: 'REGISTER'
  ns: string
  /**
   * The signed envelope bytes; `undefined` when absent. A present but empty record stays an empty array,
   * so a point can answer it as the Go reference does ("invalid peer record", not "missing")
   */
  signedPeerRecord?: Uint8Array
  /** Requested TTL in seconds; may be negative in 0.0.1, where it is a signed integer */
  ttl?: number
}

export interface RegisterResponseMessage {
  type: 'REGISTER_RESPONSE'
  status: StatusCode
  statusText: string
  /** Granted TTL in seconds */
  ttl?: number
}

export interface UnregisterMessage {
  type: 'UNREGISTER'
  ns: string
}

export interface DiscoverMessage {
  type: 'DISCOVER'
  /** The namespace; the empty string means every namespace in 1.0.0 */
  ns: string
  /** Maximum number of registrations; may be negative in 0.0.1 */
  limit?: number
  cookie?: Uint8Array
  /**
   * The record formats the requester reads, by name: this project's extension of `/rendezvous/1.0.0`
   * (field 100 of Discover, skipped by other implementations); absent when not sent
   */
  acceptFormats?: string[]
}

export interface DiscoverResponseMessage {
  type: 'DISCOVER_RESPONSE'
  status: StatusCode
  statusText: string
  registrations: Registration[]
  cookie?: Uint8Array
}

/** One registration in a DISCOVER_RESPONSE */
export interface Registration {
  /** The namespace; Go points leave it empty in answers to a namespaced DISCOVER */
  ns: string
  signedPeerRecord: Uint8Array
  /** TTL in seconds: remaining in 1.0.0, as originally granted in 0.0.1 */
  ttl?: number
}
