import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface FederatedRegistration {
  ns: string
  signedPeerRecord: Uint8Array<ArrayBuffer>
  ttl: bigint
  registeredAt: bigint
  dialect: string
}

export namespace FederatedRegistration {
  let _codec: Codec<FederatedRegistration>

  export const codec = (): Codec<FederatedRegistration> => {
    if (_codec == null) {
      _codec = message<FederatedRegistration>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ns != null && obj.ns !== '')) {
          w.uint32(10)
          w.string(obj.ns)
        }

        if ((obj.signedPeerRecord != null && obj.signedPeerRecord.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signedPeerRecord)
        }

        if ((obj.ttl != null && obj.ttl !== 0n)) {
          w.uint32(24)
          w.uint64(obj.ttl)
        }

        if ((obj.registeredAt != null && obj.registeredAt !== 0n)) {
          w.uint32(32)
          w.uint64(obj.registeredAt)
        }

        if ((obj.dialect != null && obj.dialect !== '')) {
          w.uint32(42)
          w.string(obj.dialect)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ns: '',
          signedPeerRecord: uint8ArrayAlloc(0),
          ttl: 0n,
          registeredAt: 0n,
          dialect: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ns = reader.string()
              break
            }
            case 2: {
              obj.signedPeerRecord = reader.bytes()
              break
            }
            case 3: {
              obj.ttl = reader.uint64()
              break
            }
            case 4: {
              obj.registeredAt = reader.uint64()
              break
            }
            case 5: {
              obj.dialect = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.ns`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signedPeerRecord`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.ttl`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.registeredAt`,
                value: reader.uint64()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.dialect`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FederatedRegistrationNsFieldEvent {
    field: '$.ns'
    value: string
  }

  export interface FederatedRegistrationSignedPeerRecordFieldEvent {
    field: '$.signedPeerRecord'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FederatedRegistrationTtlFieldEvent {
    field: '$.ttl'
    value: bigint
  }

  export interface FederatedRegistrationRegisteredAtFieldEvent {
    field: '$.registeredAt'
    value: bigint
  }

  export interface FederatedRegistrationDialectFieldEvent {
    field: '$.dialect'
    value: string
  }

  export function encode (obj: Partial<FederatedRegistration>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FederatedRegistration.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FederatedRegistration>): FederatedRegistration {
    return decodeMessage(buf, FederatedRegistration.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FederatedRegistration>): Generator<FederatedRegistrationNsFieldEvent | FederatedRegistrationSignedPeerRecordFieldEvent | FederatedRegistrationTtlFieldEvent | FederatedRegistrationRegisteredAtFieldEvent | FederatedRegistrationDialectFieldEvent> {
    return streamMessage(buf, FederatedRegistration.codec(), opts)
  }
}

export interface FederatedUnregistration {
  ns: string
  peer: string
  unregisteredAt: bigint
}

export namespace FederatedUnregistration {
  let _codec: Codec<FederatedUnregistration>

  export const codec = (): Codec<FederatedUnregistration> => {
    if (_codec == null) {
      _codec = message<FederatedUnregistration>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ns != null && obj.ns !== '')) {
          w.uint32(10)
          w.string(obj.ns)
        }

        if ((obj.peer != null && obj.peer !== '')) {
          w.uint32(18)
          w.string(obj.peer)
        }

        if ((obj.unregisteredAt != null && obj.unregisteredAt !== 0n)) {
          w.uint32(24)
          w.uint64(obj.unregisteredAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ns: '',
          peer: '',
          unregisteredAt: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ns = reader.string()
              break
            }
            case 2: {
              obj.peer = reader.string()
              break
            }
            case 3: {
              obj.unregisteredAt = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.ns`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.peer`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.unregisteredAt`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FederatedUnregistrationNsFieldEvent {
    field: '$.ns'
    value: string
  }

  export interface FederatedUnregistrationPeerFieldEvent {
    field: '$.peer'
    value: string
  }

  export interface FederatedUnregistrationUnregisteredAtFieldEvent {
    field: '$.unregisteredAt'
    value: bigint
  }

  export function encode (obj: Partial<FederatedUnregistration>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FederatedUnregistration.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FederatedUnregistration>): FederatedUnregistration {
    return decodeMessage(buf, FederatedUnregistration.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FederatedUnregistration>): Generator<FederatedUnregistrationNsFieldEvent | FederatedUnregistrationPeerFieldEvent | FederatedUnregistrationUnregisteredAtFieldEvent> {
    return streamMessage(buf, FederatedUnregistration.codec(), opts)
  }
}

export interface FederationMessage {
  register?: FederatedRegistration
  unregister?: FederatedUnregistration
}

export namespace FederationMessage {
  let _codec: Codec<FederationMessage>

  export const codec = (): Codec<FederationMessage> => {
    if (_codec == null) {
      _codec = message<FederationMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.register != null) {
          w.uint32(10)
          FederatedRegistration.codec().encode(obj.register, w)
        }

        if (obj.unregister != null) {
          w.uint32(18)
          FederatedUnregistration.codec().encode(obj.unregister, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.register = FederatedRegistration.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.register
              })
              break
            }
            case 2: {
              obj.unregister = FederatedUnregistration.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.unregister
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * FederatedRegistration.codec().stream(reader, reader.uint32(), `${prefix}.register`, {
                limits: opts.limits?.register
              })

              break
            }
            case 2: {
              yield * FederatedUnregistration.codec().stream(reader, reader.uint32(), `${prefix}.unregister`, {
                limits: opts.limits?.unregister
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FederationMessageRegisterNsFieldEvent {
    field: '$.register.ns'
    value: string
  }

  export interface FederationMessageRegisterSignedPeerRecordFieldEvent {
    field: '$.register.signedPeerRecord'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FederationMessageRegisterTtlFieldEvent {
    field: '$.register.ttl'
    value: bigint
  }

  export interface FederationMessageRegisterRegisteredAtFieldEvent {
    field: '$.register.registeredAt'
    value: bigint
  }

  export interface FederationMessageRegisterDialectFieldEvent {
    field: '$.register.dialect'
    value: string
  }

  export interface FederationMessageUnregisterNsFieldEvent {
    field: '$.unregister.ns'
    value: string
  }

  export interface FederationMessageUnregisterPeerFieldEvent {
    field: '$.unregister.peer'
    value: string
  }

  export interface FederationMessageUnregisterUnregisteredAtFieldEvent {
    field: '$.unregister.unregisteredAt'
    value: bigint
  }

  export function encode (obj: Partial<FederationMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FederationMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FederationMessage>): FederationMessage {
    return decodeMessage(buf, FederationMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FederationMessage>): Generator<FederationMessageRegisterNsFieldEvent | FederationMessageRegisterSignedPeerRecordFieldEvent | FederationMessageRegisterTtlFieldEvent | FederationMessageRegisterRegisteredAtFieldEvent | FederationMessageRegisterDialectFieldEvent | FederationMessageUnregisterNsFieldEvent | FederationMessageUnregisterPeerFieldEvent | FederationMessageUnregisterUnregisteredAtFieldEvent> {
    return streamMessage(buf, FederationMessage.codec(), opts)
  }
}

export interface SyncRequest {
  federation: string
  after: bigint
}

export namespace SyncRequest {
  let _codec: Codec<SyncRequest>

  export const codec = (): Codec<SyncRequest> => {
    if (_codec == null) {
      _codec = message<SyncRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.federation != null && obj.federation !== '')) {
          w.uint32(10)
          w.string(obj.federation)
        }

        if ((obj.after != null && obj.after !== 0n)) {
          w.uint32(16)
          w.uint64(obj.after)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          federation: '',
          after: 0n
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.federation = reader.string()
              break
            }
            case 2: {
              obj.after = reader.uint64()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.federation`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.after`,
                value: reader.uint64()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncRequestFederationFieldEvent {
    field: '$.federation'
    value: string
  }

  export interface SyncRequestAfterFieldEvent {
    field: '$.after'
    value: bigint
  }

  export function encode (obj: Partial<SyncRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): SyncRequest {
    return decodeMessage(buf, SyncRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): Generator<SyncRequestFederationFieldEvent | SyncRequestAfterFieldEvent> {
    return streamMessage(buf, SyncRequest.codec(), opts)
  }
}

export interface SyncPage {
  registrations: FederatedRegistration[]
  position: bigint
  unregistrations: FederatedUnregistration[]
  done: boolean
}

export namespace SyncPage {
  let _codec: Codec<SyncPage>

  export const codec = (): Codec<SyncPage> => {
    if (_codec == null) {
      _codec = message<SyncPage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.registrations != null && obj.registrations.length > 0) {
          for (const value of obj.registrations) {
            w.uint32(10)
            FederatedRegistration.codec().encode(value, w)
          }
        }

        if ((obj.position != null && obj.position !== 0n)) {
          w.uint32(16)
          w.uint64(obj.position)
        }

        if (obj.unregistrations != null && obj.unregistrations.length > 0) {
          for (const value of obj.unregistrations) {
            w.uint32(26)
            FederatedUnregistration.codec().encode(value, w)
          }
        }

        if ((obj.done != null && obj.done !== false)) {
          w.uint32(32)
          w.bool(obj.done)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          registrations: [],
          position: 0n,
          unregistrations: [],
          done: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.registrations != null && obj.registrations.length === opts.limits.registrations) {
                throw new MaxLengthError('Decode error - repeated field "registrations" had too many elements')
              }

              obj.registrations.push(FederatedRegistration.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.registrations$
              }))
              break
            }
            case 2: {
              obj.position = reader.uint64()
              break
            }
            case 3: {
              if (opts.limits?.unregistrations != null && obj.unregistrations.length === opts.limits.unregistrations) {
                throw new MaxLengthError('Decode error - repeated field "unregistrations" had too many elements')
              }

              obj.unregistrations.push(FederatedUnregistration.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.unregistrations$
              }))
              break
            }
            case 4: {
              obj.done = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          registrations: 0,
          unregistrations: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.registrations != null && obj.registrations === opts.limits.registrations) {
                throw new MaxLengthError('Streaming decode error - repeated field "registrations" had too many elements')
              }

              for (const evt of FederatedRegistration.codec().stream(reader, reader.uint32(), `${prefix}.registrations[]`, {
                limits: opts.limits?.registrations$
              })) {
                yield {
                  ...evt,
                  index: obj.registrations
                }
              }

              obj.registrations++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.position`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              if (opts.limits?.unregistrations != null && obj.unregistrations === opts.limits.unregistrations) {
                throw new MaxLengthError('Streaming decode error - repeated field "unregistrations" had too many elements')
              }

              for (const evt of FederatedUnregistration.codec().stream(reader, reader.uint32(), `${prefix}.unregistrations[]`, {
                limits: opts.limits?.unregistrations$
              })) {
                yield {
                  ...evt,
                  index: obj.unregistrations
                }
              }

              obj.unregistrations++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.done`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface SyncPageRegistrationsNsFieldEvent {
    field: '$.registrations[].ns'
    value: string
    index: number
  }

  export interface SyncPageRegistrationsSignedPeerRecordFieldEvent {
    field: '$.registrations[].signedPeerRecord'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SyncPageRegistrationsTtlFieldEvent {
    field: '$.registrations[].ttl'
    value: bigint
    index: number
  }

  export interface SyncPageRegistrationsRegisteredAtFieldEvent {
    field: '$.registrations[].registeredAt'
    value: bigint
    index: number
  }

  export interface SyncPageRegistrationsDialectFieldEvent {
    field: '$.registrations[].dialect'
    value: string
    index: number
  }

  export interface SyncPagePositionFieldEvent {
    field: '$.position'
    value: bigint
  }

  export interface SyncPageUnregistrationsNsFieldEvent {
    field: '$.unregistrations[].ns'
    value: string
    index: number
  }

  export interface SyncPageUnregistrationsPeerFieldEvent {
    field: '$.unregistrations[].peer'
    value: string
    index: number
  }

  export interface SyncPageUnregistrationsUnregisteredAtFieldEvent {
    field: '$.unregistrations[].unregisteredAt'
    value: bigint
    index: number
  }

  export interface SyncPageDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export function encode (obj: Partial<SyncPage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncPage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncPage>): SyncPage {
    return decodeMessage(buf, SyncPage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncPage>): Generator<SyncPageRegistrationsNsFieldEvent | SyncPageRegistrationsSignedPeerRecordFieldEvent | SyncPageRegistrationsTtlFieldEvent | SyncPageRegistrationsRegisteredAtFieldEvent | SyncPageRegistrationsDialectFieldEvent | SyncPagePositionFieldEvent | SyncPageUnregistrationsNsFieldEvent | SyncPageUnregistrationsPeerFieldEvent | SyncPageUnregistrationsUnregisteredAtFieldEvent | SyncPageDoneFieldEvent> {
    return streamMessage(buf, SyncPage.codec(), opts)
  }
}
