import { MalformedMessageError } from './errors.ts'
import { fromWireInteger, toWireInteger } from './integers.ts'
import { FederatedRegistration, FederatedUnregistration, FederationMessage, SyncPage, SyncRequest } from './pb/federation.ts'
import { FollowEvent, FollowRequest } from './pb/follow.ts'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * The messages of this project's two extensions, in the codec's number-valued shape: federation
 * (proto/federation.proto, docs/federation.md) and follow (proto/follow.proto, docs/protocol.md "Follow").
 */

/** The protocol ID of a point's sync exchange with another member of its federation */
export const FEDERATION_SYNC_PROTOCOL = '/rendezvous/federation/sync/1.0.0'

/** The protocol ID of the follow extension of `/rendezvous/1.0.0` */
export const FOLLOW_PROTOCOL = '/rendezvous/follow/1.0.0'

/** One registration as the point that granted it saw it */
export interface FederatedRegistrationMessage {
  ns: string
  /** The signed envelope as the peer sent it */
  signedPeerRecord: Uint8Array
  /** Granted TTL in seconds */
  ttl: number
  /** When it was granted, ms since the epoch on the granting point's clock */
  registeredAt: number
  /** The dialect name it came in on */
  dialect: string
}

/** A removal carried out by a point for an UNREGISTER */
export interface FederatedUnregistrationMessage {
  /** The namespace, or `''` for all of the peer's */
  ns: string
  /** The peer ID as text (`PeerId.toString()`) */
  peer: string
  /** When it was carried out, ms since the epoch; registrations granted before are removed */
  unregisteredAt: number
}

/** What travels on a federation's gossipsub topic: exactly one of the two */
export type FederationGossip =
  | { type: 'register', registration: FederatedRegistrationMessage }
  | { type: 'unregister', unregistration: FederatedUnregistrationMessage }

/** The first and only message of a sync requester */
export interface SyncRequestMessage {
  federation: string
  /** The answering point's store position to continue after */
  after: number
}

/** One page of a sync answer */
export interface SyncPageMessage {
  registrations: FederatedRegistrationMessage[]
  position: number
  unregistrations: FederatedUnregistrationMessage[]
  done: boolean
}

/** The first and only message of a follower */
export interface FollowRequestMessage {
  /** The namespace, or `''` for every namespace */
  ns: string
  /** Resume after this `/rendezvous/1.0.0` cookie */
  cookie?: Uint8Array
  /** Record formats the follower reads; empty for the 1.0.0 dialect's */
  formats: string[]
}

/** Registrations a point pushes to a follower */
export interface FollowEventMessage {
  registrations: Array<{ ns: string, signedPeerRecord: Uint8Array, ttl: number }>
  cookie?: Uint8Array
  /** The backlog has been sent: from this event on, registrations arrive as the point takes them */
  live: boolean
}

function decodeWith<T> (what: string, decode: () => T): T {
  try {
    return decode()
  } catch (err: any) {
    throw new MalformedMessageError(`not a ${what}: ${err.message}`)
  }
}

function wireInteger (value: number, field: string): bigint {
  return toWireInteger(value, field, false)
}

function fromRegistration (r: FederatedRegistration): FederatedRegistrationMessage {
  return { ns: r.ns, signedPeerRecord: r.signedPeerRecord, ttl: fromWireInteger(r.ttl), registeredAt: fromWireInteger(r.registeredAt), dialect: r.dialect }
}

function toRegistration (r: FederatedRegistrationMessage): FederatedRegistration {
  return {
    ns: r.ns,
    signedPeerRecord: r.signedPeerRecord as Uint8Array<ArrayBuffer>,
    ttl: wireInteger(r.ttl, 'ttl'),
    registeredAt: wireInteger(r.registeredAt, 'registeredAt'),
    dialect: r.dialect
  }
}

function fromUnregistration (u: FederatedUnregistration): FederatedUnregistrationMessage {
  return { ns: u.ns, peer: u.peer, unregisteredAt: fromWireInteger(u.unregisteredAt) }
}

function toUnregistration (u: FederatedUnregistrationMessage): FederatedUnregistration {
  return { ns: u.ns, peer: u.peer, unregisteredAt: wireInteger(u.unregisteredAt, 'unregisteredAt') }
}

/** @throws {MalformedMessageError} for a number the wire cannot carry */
export function encodeFederationGossip (message: FederationGossip): Uint8Array {
  return FederationMessage.encode(message.type === 'register'
    ? { register: toRegistration(message.registration) }
    : { unregister: toUnregistration(message.unregistration) })
}

/** @throws {MalformedMessageError} unless the bytes hold exactly one of a registration and an unregistration */
export function decodeFederationGossip (bytes: Uint8Array | Uint8ArrayList): FederationGossip {
  const message = decodeWith('federation message', () => FederationMessage.decode(bytes))
  if (message.register != null && message.unregister == null) {
    return { type: 'register', registration: fromRegistration(message.register) }
  }
  if (message.unregister != null && message.register == null) {
    return { type: 'unregister', unregistration: fromUnregistration(message.unregister) }
  }
  throw new MalformedMessageError('a federation message holds exactly one of register and unregister')
}

export function encodeSyncRequest (message: SyncRequestMessage): Uint8Array {
  return SyncRequest.encode({ federation: message.federation, after: wireInteger(message.after, 'after') })
}

/** @throws {MalformedMessageError} */
export function decodeSyncRequest (bytes: Uint8Array | Uint8ArrayList): SyncRequestMessage {
  const message = decodeWith('sync request', () => SyncRequest.decode(bytes))
  return { federation: message.federation, after: fromWireInteger(message.after) }
}

export function encodeSyncPage (message: SyncPageMessage): Uint8Array {
  return SyncPage.encode({
    registrations: message.registrations.map(toRegistration),
    position: wireInteger(message.position, 'position'),
    unregistrations: message.unregistrations.map(toUnregistration),
    done: message.done
  })
}

/** @throws {MalformedMessageError} */
export function decodeSyncPage (bytes: Uint8Array | Uint8ArrayList): SyncPageMessage {
  const message = decodeWith('sync page', () => SyncPage.decode(bytes))
  return {
    registrations: message.registrations.map(fromRegistration),
    position: fromWireInteger(message.position),
    unregistrations: message.unregistrations.map(fromUnregistration),
    done: message.done
  }
}

export function encodeFollowRequest (message: FollowRequestMessage): Uint8Array {
  return FollowRequest.encode({ ns: message.ns, cookie: message.cookie as Uint8Array<ArrayBuffer> | undefined, formats: message.formats })
}

/** @throws {MalformedMessageError} */
export function decodeFollowRequest (bytes: Uint8Array | Uint8ArrayList): FollowRequestMessage {
  const message = decodeWith('follow request', () => FollowRequest.decode(bytes, { limits: { formats: 16 } }))
  return { ns: message.ns, cookie: message.cookie, formats: message.formats }
}

export function encodeFollowEvent (message: FollowEventMessage): Uint8Array {
  return FollowEvent.encode({
    registrations: message.registrations.map(r => ({ ns: r.ns, signedPeerRecord: r.signedPeerRecord as Uint8Array<ArrayBuffer>, ttl: wireInteger(r.ttl, 'ttl') })),
    cookie: message.cookie as Uint8Array<ArrayBuffer> | undefined,
    live: message.live
  })
}

/** @throws {MalformedMessageError} */
export function decodeFollowEvent (bytes: Uint8Array | Uint8ArrayList): FollowEventMessage {
  const message = decodeWith('follow event', () => FollowEvent.decode(bytes))
  return {
    registrations: message.registrations.map(r => ({ ns: r.ns, signedPeerRecord: r.signedPeerRecord, ttl: fromWireInteger(r.ttl) })),
    cookie: message.cookie,
    live: message.live
  }
}
