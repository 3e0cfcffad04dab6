import { RENDEZVOUS_PROTOCOL } from './constants.ts'
import { MalformedMessageError, MissingFieldError } from './errors.ts'
import { fromWireInteger, toWireInteger } from './integers.ts'
import { Message } from './pb/rendezvous.ts'
import { rustLegacyRecord } from './rust-legacy-record.ts'
import { standardRecord } from './standard-record.ts'
import { Status, statusName } from './status.ts'
import { decodeValidated, field } from './wire-schema.ts'
import type { Dialect } from './dialect.ts'
import type { DiscoverMessage, RendezvousMessage, Registration } from './messages.ts'
import type { StatusCode } from './status.ts'
import type { MessageSchema } from './wire-schema.ts'
import type { Uint8ArrayList } from 'uint8arraylist'

const TYPE_VALUES = [0, 1, 2, 3, 4]
const STATUS_VALUES = Object.values(Status)

const register: MessageSchema = new Map([
  [1, field.string('ns')],
  [2, field.bytes('signedPeerRecord')],
  [3, field.varint('ttl')]
])

const schema: MessageSchema = new Map([
  [1, field.enum('type', TYPE_VALUES)],
  [2, field.message('register', register)],
  [3, field.message('registerResponse', new Map([
    [1, field.enum('status', STATUS_VALUES)],
    [2, field.string('statusText')],
    [3, field.varint('ttl')]
  ]))],
  [4, field.message('unregister', new Map([
    [1, field.string('ns')]
  ]))],
  [5, field.message('discover', new Map([
    [1, field.string('ns')],
    [2, field.varint('limit')],
    [3, field.bytes('cookie')],
    [100, field.string('acceptFormats')]
  ]))],
  [6, field.message('discoverResponse', new Map([
    [1, field.message('registrations', register)],
    [2, field.bytes('cookie')],
    [3, field.enum('status', STATUS_VALUES)],
    [4, field.string('statusText')]
  ]))]
])

function toStatus (status: Message.ResponseStatus | undefined): StatusCode {
  return status == null ? Status.OK : Status[status]
}

function fromStatus (code: StatusCode): Message.ResponseStatus {
  const name = statusName(code)
  if (!(name in Message.ResponseStatus)) {
    throw new MalformedMessageError(`unknown status code ${code}`)
  }
  return name as Message.ResponseStatus
}

function optionalInteger (value: bigint | undefined): number | undefined {
  return value == null ? undefined : fromWireInteger(value)
}

function optionalWireInteger (value: number | undefined, name: string): bigint | undefined {
  return value == null ? undefined : toWireInteger(value, name, false)
}

function toRegistration (r: Message.Register): Registration {
  return {
    ns: r.ns ?? '',
    signedPeerRecord: r.signedPeerRecord ?? new Uint8Array(0),
    ttl: optionalInteger(r.ttl)
  }
}

/** How the encoder writes what the dialects sharing these messages write differently */
export interface RendezvousEncoding {
  /** Write an empty status text of an error response (nim-libp2p writes `Opt.some("")`); otherwise it is left off */
  emptyErrorText: boolean
}

function statusTextField (status: StatusCode, text: string, encoding: RendezvousEncoding): string | undefined {
  return text !== '' || (encoding.emptyErrorText && status !== Status.OK) ? text : undefined
}

const SPEC_ENCODING: RendezvousEncoding = { emptyErrorText: false }

/** Write a message of `/rendezvous/1.0.0`, which `/vac/waku/rendezvous/1.0.0` shares */
export function encodeRendezvousMessage (message: RendezvousMessage, encoding: RendezvousEncoding = SPEC_ENCODING): Uint8Array {
  switch (message.type) {
    case 'REGISTER':
      return Message.encode({
        type: Message.MessageType.REGISTER,
        register: {
          ns: message.ns,
          signedPeerRecord: message.signedPeerRecord as Uint8Array<ArrayBuffer> | undefined,
          ttl: optionalWireInteger(message.ttl, 'ttl')
        }
      })
    case 'REGISTER_RESPONSE':
      return Message.encode({
        type: Message.MessageType.REGISTER_RESPONSE,
        registerResponse: {
          status: fromStatus(message.status),
          statusText: statusTextField(message.status, message.statusText, encoding),
          ttl: optionalWireInteger(message.ttl, 'ttl')
        }
      })
    case 'UNREGISTER':
      return Message.encode({
        type: Message.MessageType.UNREGISTER,
        unregister: { ns: message.ns }
      })
    case 'DISCOVER':
      return Message.encode({
        type: Message.MessageType.DISCOVER,
        discover: {
          ns: message.ns === '' ? undefined : message.ns,
          limit: optionalWireInteger(message.limit, 'limit'),
          cookie: message.cookie as Uint8Array<ArrayBuffer> | undefined,
          acceptFormats: message.acceptFormats ?? []
        }
      })
    case 'DISCOVER_RESPONSE':
      return Message.encode({
        type: Message.MessageType.DISCOVER_RESPONSE,
        discoverResponse: {
          registrations: message.registrations.map(r => ({
            ns: r.ns,
            signedPeerRecord: r.signedPeerRecord as Uint8Array<ArrayBuffer>,
            ttl: optionalWireInteger(r.ttl, 'registrations.ttl')
          })),
          cookie: message.cookie as Uint8Array<ArrayBuffer> | undefined,
          status: fromStatus(message.status),
          statusText: statusTextField(message.status, message.statusText, encoding)
        }
      })
    default:
      throw new MalformedMessageError(`cannot encode message type ${(message as { type: unknown }).type}`)
  }
}

/** Read a message of `/rendezvous/1.0.0`, which `/vac/waku/rendezvous/1.0.0` shares */
export function decodeRendezvousMessage (bytes: Uint8Array | Uint8ArrayList): RendezvousMessage {
  const msg = decodeValidated(bytes, schema, buf => Message.decode(buf))

  switch (msg.type) {
    case undefined:
      throw new MissingFieldError('Message.type is missing; /rendezvous/1.0.0 always writes it')
    case Message.MessageType.REGISTER:
      return {
        type: 'REGISTER',
        ns: msg.register?.ns ?? '',
        signedPeerRecord: msg.register?.signedPeerRecord,
        ttl: optionalInteger(msg.register?.ttl)
      }
    case Message.MessageType.REGISTER_RESPONSE:
      return {
        type: 'REGISTER_RESPONSE',
        status: toStatus(msg.registerResponse?.status),
        statusText: msg.registerResponse?.statusText ?? '',
        ttl: optionalInteger(msg.registerResponse?.ttl)
      }
    case Message.MessageType.UNREGISTER:
      return { type: 'UNREGISTER', ns: msg.unregister?.ns ?? '' }
    case Message.MessageType.DISCOVER: {
      const discover: DiscoverMessage = {
        type: 'DISCOVER',
        ns: msg.discover?.ns ?? '',
        limit: optionalInteger(msg.discover?.limit),
        cookie: msg.discover?.cookie
      }
      if (msg.discover != null && msg.discover.acceptFormats.length > 0) {
        discover.acceptFormats = msg.discover.acceptFormats
      }
      return discover
    }
    case Message.MessageType.DISCOVER_RESPONSE:
      return {
        type: 'DISCOVER_RESPONSE',
        status: toStatus(msg.discoverResponse?.status),
        statusText: msg.discoverResponse?.statusText ?? '',
        registrations: (msg.discoverResponse?.registrations ?? []).map(toRegistration),
        cookie: msg.discoverResponse?.cookie
      }
    default:
      // the schema pass admits only the dialect's enum values
      throw new MalformedMessageError(`unexpected message type ${String(msg.type)}`)
  }
}

/**
 * `/rendezvous/1.0.0`, the libp2p rendezvous specification: proto2 semantics, so `type` and `status`
 * are always written even when zero; UNREGISTER, cookies, discovery across all namespaces; TTL
 * default 2 h within [2 h, 72 h] (an explicit 0 means the default, as go-libp2p-rendezvous reads it);
 * namespaces up to 255 bytes; 1000 registrations per peer; 1000 per DISCOVER; `standard` records, and
 * `rust-legacy` ones from rust-libp2p peers.
 */
export const rendezvous: Dialect = Object.freeze({
  name: 'rendezvous/1.0.0',
  protocol: RENDEZVOUS_PROTOCOL,
  ttl: Object.freeze({ default: 7200, min: 7200, max: 72 * 3600, zero: 'default', adjustable: true }),
  limits: Object.freeze({ maxNamespaceBytes: 255, maxDiscoverLimit: 1000, maxRegistrationsPerPeer: 1000, maxPeerAddressBytes: Infinity, maxRequestBytes: Infinity }),
  features: Object.freeze({ unregister: true, cookies: true, discoverAllNamespaces: true }),
  discovery: Object.freeze({ mode: 'paged', ttl: 'remaining', zeroLimit: 'max' }),
  records: Object.freeze({
    accepts: Object.freeze([standardRecord, rustLegacyRecord]),
    seals: standardRecord,
    served: Object.freeze([standardRecord])
  }),
  requestsPerStream: 'many',
  // go-libp2p-rendezvous removes every registration of the peer; only the peer's own can go
  unregisterEmptyNamespace: 'all',
  // the spec: "It is not allowed to register arbitrary peers"; rust-libp2p answers E_NOT_AUTHORIZED
  peerMismatchStatus: Status.E_NOT_AUTHORIZED,
  texts: Object.freeze({
    emptyNamespace: 'namespace is empty',
    longNamespace: (max: number) => `namespace is longer than ${max} bytes`,
    missingRecord: 'missing signed peer record',
    invalidRecord: () => 'invalid signed peer record',
    peerMismatch: 'peer id mismatch',
    noAddresses: 'missing peer addresses',
    longAddresses: (max: number) => `peer addresses are longer than ${max} bytes`,
    badTtl: (min: number, max: number) => `ttl must be between ${min} and ${max} seconds`,
    perPeerLimit: 'too many registrations for this peer',
    globalLimit: 'registration limit reached',
    invalidCookie: 'invalid cookie',
    discoverRateLimited: 'discover rate limit reached, retry later'
  }),
  statusName,
  encode: (message: RendezvousMessage) => encodeRendezvousMessage(message),
  decode: decodeRendezvousMessage
})
