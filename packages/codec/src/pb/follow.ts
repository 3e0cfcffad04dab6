import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface FollowRequest {
  ns: string
  cookie?: Uint8Array<ArrayBuffer>
  formats: string[]
}

export namespace FollowRequest {
  let _codec: Codec<FollowRequest>

  export const codec = (): Codec<FollowRequest> => {
    if (_codec == null) {
      _codec = message<FollowRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ns != null && obj.ns !== '')) {
          w.uint32(10)
          w.string(obj.ns)
        }

        if (obj.cookie != null) {
          w.uint32(18)
          w.bytes(obj.cookie)
        }

        if (obj.formats != null && obj.formats.length > 0) {
          for (const value of obj.formats) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ns: '',
          formats: []
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
              obj.cookie = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.formats != null && obj.formats.length === opts.limits.formats) {
                throw new MaxLengthError('Decode error - repeated field "formats" had too many elements')
              }

              obj.formats.push(reader.string())
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
          formats: 0
        }

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
                field: `${prefix}.cookie`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.formats != null && obj.formats === opts.limits.formats) {
                throw new MaxLengthError('Streaming decode error - repeated field "formats" had too many elements')
              }

              yield {
                field: `${prefix}.formats[]`,
                index: obj.formats,
                value: reader.string()
              }

              obj.formats++

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

  export interface FollowRequestNsFieldEvent {
    field: '$.ns'
    value: string
  }

  export interface FollowRequestCookieFieldEvent {
    field: '$.cookie'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FollowRequestFormatsFieldEvent {
    field: '$.formats[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<FollowRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FollowRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FollowRequest>): FollowRequest {
    return decodeMessage(buf, FollowRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FollowRequest>): Generator<FollowRequestNsFieldEvent | FollowRequestCookieFieldEvent | FollowRequestFormatsFieldEvent> {
    return streamMessage(buf, FollowRequest.codec(), opts)
  }
}

export interface FollowRegistration {
  ns: string
  signedPeerRecord: Uint8Array<ArrayBuffer>
  ttl: bigint
}

export namespace FollowRegistration {
  let _codec: Codec<FollowRegistration>

  export const codec = (): Codec<FollowRegistration> => {
    if (_codec == null) {
      _codec = message<FollowRegistration>((obj, w, opts = {}) => {
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

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ns: '',
          signedPeerRecord: uint8ArrayAlloc(0),
          ttl: 0n
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

  export interface FollowRegistrationNsFieldEvent {
    field: '$.ns'
    value: string
  }

  export interface FollowRegistrationSignedPeerRecordFieldEvent {
    field: '$.signedPeerRecord'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FollowRegistrationTtlFieldEvent {
    field: '$.ttl'
    value: bigint
  }

  export function encode (obj: Partial<FollowRegistration>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FollowRegistration.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FollowRegistration>): FollowRegistration {
    return decodeMessage(buf, FollowRegistration.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FollowRegistration>): Generator<FollowRegistrationNsFieldEvent | FollowRegistrationSignedPeerRecordFieldEvent | FollowRegistrationTtlFieldEvent> {
    return streamMessage(buf, FollowRegistration.codec(), opts)
  }
}

export interface FollowEvent {
  registrations: FollowRegistration[]
  cookie?: Uint8Array<ArrayBuffer>
  live: boolean
}

export namespace FollowEvent {
  let _codec: Codec<FollowEvent>

  export const codec = (): Codec<FollowEvent> => {
    if (_codec == null) {
      _codec = message<FollowEvent>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.registrations != null && obj.registrations.length > 0) {
          for (const value of obj.registrations) {
            w.uint32(10)
            FollowRegistration.codec().encode(value, w)
          }
        }

        if (obj.cookie != null) {
          w.uint32(18)
          w.bytes(obj.cookie)
        }

        if ((obj.live != null && obj.live !== false)) {
          w.uint32(24)
          w.bool(obj.live)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          registrations: [],
          live: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.registrations != null && obj.registrations.length === opts.limits.registrations) {
                throw new MaxLengthError('Decode error - repeated field "registrations" had too many elements')
              }

              obj.registrations.push(FollowRegistration.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.registrations$
              }))
              break
            }
            case 2: {
              obj.cookie = reader.bytes()
              break
            }
            case 3: {
              obj.live = reader.bool()
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
          registrations: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.registrations != null && obj.registrations === opts.limits.registrations) {
                throw new MaxLengthError('Streaming decode error - repeated field "registrations" had too many elements')
              }

              for (const evt of FollowRegistration.codec().stream(reader, reader.uint32(), `${prefix}.registrations[]`, {
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
                field: `${prefix}.cookie`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.live`,
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

  export interface FollowEventRegistrationsNsFieldEvent {
    field: '$.registrations[].ns'
    value: string
    index: number
  }

  export interface FollowEventRegistrationsSignedPeerRecordFieldEvent {
    field: '$.registrations[].signedPeerRecord'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface FollowEventRegistrationsTtlFieldEvent {
    field: '$.registrations[].ttl'
    value: bigint
    index: number
  }

  export interface FollowEventCookieFieldEvent {
    field: '$.cookie'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FollowEventLiveFieldEvent {
    field: '$.live'
    value: boolean
  }

  export function encode (obj: Partial<FollowEvent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FollowEvent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FollowEvent>): FollowEvent {
    return decodeMessage(buf, FollowEvent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FollowEvent>): Generator<FollowEventRegistrationsNsFieldEvent | FollowEventRegistrationsSignedPeerRecordFieldEvent | FollowEventRegistrationsTtlFieldEvent | FollowEventCookieFieldEvent | FollowEventLiveFieldEvent> {
    return streamMessage(buf, FollowEvent.codec(), opts)
  }
}
