import { WAKU_V0_PROTOCOL } from './constants.ts'
import { MalformedMessageError, UnsupportedByDialectError } from './errors.ts'
import { fromWireInteger, toWireInteger } from './integers.ts'
import { Message } from './pb/waku-rendezvous.ts'
import { standardRecord } from './standard-record.ts'
import { Status, statusName } from './status.ts'
import { decodeValidated, field } from './wire-schema.ts'
import type { Dialect } from './dialect.ts'
import type { RendezvousMessage } from './messages.ts'
import type { StatusCode } from './status.ts'
import type { MessageSchema } from './wire-schema.ts'
import type { Uint8ArrayList } from 'uint8arraylist'

/** 0.0.1 has no E_INVALID_COOKIE and names 101 after the PeerInfo it once carried */
const STATUS_NAMES = new Map<number, Message.ResponseStatus>([
  [Status.OK, Message.ResponseStatus.OK],
  [Status.E_INVALID_NAMESPACE, Message.ResponseStatus.E_INVALID_NAMESPACE],
  [Status.E_INVALID_SIGNED_PEER_RECORD, Message.ResponseStatus.E_INVALID_PEER_INFO],
  [Status.E_INVALID_TTL, Message.ResponseStatus.E_INVALID_TTL],
  [Status.E_NOT_AUTHORIZED, Message.ResponseStatus.E_NOT_AUTHORIZED],
  [Status.E_INTERNAL_ERROR, Message.ResponseStatus.E_INTERNAL_ERROR],
  [Status.E_UNAVAILABLE, Message.ResponseStatus.E_UNAVAILABLE]
])
const STATUS_CODES = new Map([...STATUS_NAMES].map(([code, name]) => [name, code as StatusCode]))

const register: MessageSchema = new Map([
  [1, field.string('ns')],
  [2, field.bytes('signedPeerRecord')],
  [3, field.varint('ttl')]
])

const schema: MessageSchema = new Map([
  [1, field.enum('type', [0, 1, 2, 3])],
  [2, field.message('register', register)],
  [3, field.message('registerResponse', new Map([
    [1, field.enum('status', STATUS_NAMES.keys())],
    [2, field.string('statusText')],
    [3, field.varint('ttl')]
  ]))],
  [4, field.message('discover', new Map([
    [1, field.string('ns')],
    [2, field.varint('limit')]
  ]))],
  [5, field.message('discoverResponse', new Map([
    [1, field.message('registrations', register)],
    [3, field.enum('status', STATUS_NAMES.keys())],
    [4, field.string('statusText')]
  ]))]
])

function fromStatus (code: StatusCode): Message.ResponseStatus {
  const name = STATUS_NAMES.get(code)
  if (name == null) {
    throw new UnsupportedByDialectError(`status ${statusName(code)} does not exist in /vac/waku/rendezvous/0.0.1`)
  }
  return name
}

const EMPTY = new Uint8Array(0)

/** proto3 never writes an empty bytes field: Go's encoder leaves it off, and so must we */
function nonEmpty (bytes: Uint8Array | undefined): Uint8Array<ArrayBuffer> | undefined {
  return bytes == null || bytes.byteLength === 0 ? undefined : bytes as Uint8Array<ArrayBuffer>
}

function wireInteger (value: number | undefined, name: string): bigint {
  return toWireInteger(value ?? 0, name, true)
}

function encode (message: RendezvousMessage): Uint8Array {
  switch (message.type) {
    case 'REGISTER':
      return Message.encode({
        type: Message.MessageType.REGISTER,
        register: {
          ns: message.ns,
          signedPeerRecord: nonEmpty(message.signedPeerRecord),
          ttl: wireInteger(message.ttl, 'ttl')
        }
      })
    case 'REGISTER_RESPONSE':
      return Message.encode({
        type: Message.MessageType.REGISTER_RESPONSE,
        registerResponse: { status: fromStatus(message.status), statusText: message.statusText, ttl: wireInteger(message.ttl, 'ttl') }
      })
    case 'UNREGISTER':
      throw new UnsupportedByDialectError('/vac/waku/rendezvous/0.0.1 has no UNREGISTER')
    case 'DISCOVER':
      if (message.cookie != null) {
        throw new UnsupportedByDialectError('/vac/waku/rendezvous/0.0.1 has no cookies')
      }
      return Message.encode({
        type: Message.MessageType.DISCOVER,
        discover: { ns: message.ns, limit: wireInteger(message.limit, 'limit') }
      })
    case 'DISCOVER_RESPONSE':
      if (message.cookie != null) {
        throw new UnsupportedByDialectError('/vac/waku/rendezvous/0.0.1 has no cookies')
      }
      return Message.encode({
        type: Message.MessageType.DISCOVER_RESPONSE,
        discoverResponse: {
          registrations: message.registrations.map(r => ({
            ns: r.ns,
            signedPeerRecord: nonEmpty(r.signedPeerRecord),
            ttl: wireInteger(r.ttl, 'registrations.ttl')
          })),
          status: fromStatus(message.status),
          statusText: message.statusText
        }
      })
    default:
      throw new MalformedMessageError(`cannot encode message type ${(message as { type: unknown }).type}`)
  }
}

function decode (bytes: Uint8Array | Uint8ArrayList): RendezvousMessage {
  const msg = decodeValidated(bytes, schema, buf => Message.decode(buf))

  // proto3: an absent field is its zero value, so a missing body reads as an empty one, exactly as
  // the Go reference's generated getters read it
  switch (msg.type) {
    case Message.MessageType.REGISTER: {
      return {
        type: 'REGISTER',
        ns: msg.register?.ns ?? '',
        signedPeerRecord: msg.register?.signedPeerRecord,
        ttl: fromWireInteger(msg.register?.ttl ?? 0n)
      }
    }
    case Message.MessageType.REGISTER_RESPONSE:
      return {
        type: 'REGISTER_RESPONSE',
        status: STATUS_CODES.get(msg.registerResponse?.status ?? Message.ResponseStatus.OK) ?? Status.OK,
        statusText: msg.registerResponse?.statusText ?? '',
        ttl: fromWireInteger(msg.registerResponse?.ttl ?? 0n)
      }
    case Message.MessageType.DISCOVER:
      return {
        type: 'DISCOVER',
        ns: msg.discover?.ns ?? '',
        limit: fromWireInteger(msg.discover?.limit ?? 0n)
      }
    case Message.MessageType.DISCOVER_RESPONSE:
      return {
        type: 'DISCOVER_RESPONSE',
        status: STATUS_CODES.get(msg.discoverResponse?.status ?? Message.ResponseStatus.OK) ?? Status.OK,
        statusText: msg.discoverResponse?.statusText ?? '',
        registrations: (msg.discoverResponse?.registrations ?? []).map(r => ({
          ns: r.ns,
          signedPeerRecord: r.signedPeerRecord ?? EMPTY,
          ttl: fromWireInteger(r.ttl)
        }))
      }
    default:
      // the schema pass admits only the dialect's enum values
      throw new MalformedMessageError(`unexpected message type ${String(msg.type)}`)
  }
}

/**
 * `/vac/waku/rendezvous/0.0.1`, the go-waku-rendezvous protocol: proto3 with zero values left off the
 * wire; no UNREGISTER, no cookies; TTL default and maximum 20 s (absent and 0 are one on the wire, and
 * mean the default); namespaces up to 256 bytes; at most 2048 bytes of addresses per record; DISCOVER
 * returns a random sample of at most 1000 with the TTLs as granted; `standard` records only; the
 * reference's status texts, in its words (go-waku-rendezvous svc.go).
 */
export const wakuV0: Dialect = Object.freeze({
  name: 'waku/0.0.1',
  protocol: WAKU_V0_PROTOCOL,
  ttl: Object.freeze({ default: 20, min: 0, max: 20, zero: 'default', adjustable: false }),
  limits: Object.freeze({ maxNamespaceBytes: 256, maxDiscoverLimit: 1000, maxRegistrationsPerPeer: Infinity, maxPeerAddressBytes: 2048, maxRequestBytes: Infinity }),
  features: Object.freeze({ unregister: false, cookies: false, discoverAllNamespaces: false }),
  discovery: Object.freeze({ mode: 'sample', ttl: 'granted', zeroLimit: 'max' }),
  records: Object.freeze({
    accepts: Object.freeze([standardRecord]),
    seals: standardRecord,
    served: Object.freeze([standardRecord])
  }),
  requestsPerStream: 'many',
  unregisterEmptyNamespace: 'ignore',
  peerMismatchStatus: Status.E_INVALID_SIGNED_PEER_RECORD,
  texts: Object.freeze({
    emptyNamespace: 'unspecified namespace',
    longNamespace: () => 'namespace too long',
    missingRecord: 'missing signed peer record',
    invalidRecord: () => 'invalid peer record',
    peerMismatch: 'peer id mismatch',
    noAddresses: 'missing peer addresses',
    longAddresses: () => 'peer info too long',
    badTtl: () => 'bad ttl',
    perPeerLimit: 'too many registrations for this peer',
    globalLimit: 'registration limit reached',
    invalidCookie: 'invalid cookie',
    discoverRateLimited: 'discover rate limit reached, retry later'
  }),
  statusName: (code: number): string => STATUS_NAMES.get(code) ?? statusName(code),
  encode,
  decode
})
