import { RENDEZVOUS_PROTOCOL } from './constants.ts'
import { InvalidMessageError, MissingFieldError } from './errors.ts'
import { fromWireInteger, toWireInteger } from './integers.ts'
import { Message } from './pb/rendezvous.ts'
import { Status, statusName } from './status.ts'
import { decodeValidated, field } from './wire-schema.ts'
import type { Dialect } from './dialect.ts'
import type { RendezvousMessage, Registration } from './messages.ts'
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
    [3, field.bytes('cookie')]
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
    throw new InvalidMessageError(`unknown status code ${code}`)
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

function encode (message: RendezvousMessage): Uint8Array {
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
          statusText: message.statusText === '' ? undefined : message.statusText,
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
          cookie: message.cookie as Uint8Array<ArrayBuffer> | undefined
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
          statusText: message.statusText === '' ? undefined : message.statusText
        }
      })
    default:
      throw new InvalidMessageError(`cannot encode message type ${(message as { type: unknown }).type}`)
  }
}

function decode (bytes: Uint8Array | Uint8ArrayList): RendezvousMessage {
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
    case Message.MessageType.DISCOVER:
      return {
        type: 'DISCOVER',
        ns: msg.discover?.ns ?? '',
        limit: optionalInteger(msg.discover?.limit),
        cookie: msg.discover?.cookie
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
      throw new InvalidMessageError(`unexpected message type ${String(msg.type)}`)
  }
}

/**
 * `/rendezvous/1.0.0`, the libp2p rendezvous specification: proto2 semantics, so `type` and `status`
 * are always written even when zero; UNREGISTER, cookies, discovery across all namespaces; TTL
 * default 2 h within [2 h, 72 h]; namespaces up to 255 bytes; 1000 registrations per peer; 1000 per
 * DISCOVER.
 */
export const rendezvous: Dialect = Object.freeze({
  name: 'rendezvous/1.0.0',
  protocol: RENDEZVOUS_PROTOCOL,
  ttl: Object.freeze({ default: 7200, min: 7200, max: 72 * 3600 }),
  limits: Object.freeze({ maxNamespaceBytes: 255, maxDiscoverLimit: 1000, maxRegistrationsPerPeer: 1000, maxPeerAddressBytes: Infinity }),
  features: Object.freeze({ unregister: true, cookies: true, discoverAllNamespaces: true }),
  statusName,
  encode,
  decode
})
