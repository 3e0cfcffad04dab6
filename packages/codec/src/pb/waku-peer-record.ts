import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface WakuPeerRecord {
  peerId?: Uint8Array<ArrayBuffer>
  seqNo?: bigint
  addresses: Uint8Array<ArrayBuffer>[]
  mixKey?: string
}

export namespace WakuPeerRecord {
  let _codec: Codec<WakuPeerRecord>

  export const codec = (): Codec<WakuPeerRecord> => {
    if (_codec == null) {
      _codec = message<WakuPeerRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.peerId != null) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if (obj.seqNo != null) {
          w.uint32(16)
          w.uint64(obj.seqNo)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (obj.mixKey != null) {
          w.uint32(34)
          w.string(obj.mixKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          addresses: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            case 2: {
              obj.seqNo = reader.uint64()
              break
            }
            case 3: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.bytes())
              break
            }
            case 4: {
              obj.mixKey = reader.string()
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
          addresses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seqNo`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.bytes()
              }

              obj.addresses++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.mixKey`,
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

  export interface WakuPeerRecordPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface WakuPeerRecordSeqNoFieldEvent {
    field: '$.seqNo'
    value: bigint
  }

  export interface WakuPeerRecordAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface WakuPeerRecordMixKeyFieldEvent {
    field: '$.mixKey'
    value: string
  }

  export function encode (obj: Partial<WakuPeerRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WakuPeerRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WakuPeerRecord>): WakuPeerRecord {
    return decodeMessage(buf, WakuPeerRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WakuPeerRecord>): Generator<WakuPeerRecordPeerIdFieldEvent | WakuPeerRecordSeqNoFieldEvent | WakuPeerRecordAddressesFieldEvent | WakuPeerRecordMixKeyFieldEvent> {
    return streamMessage(buf, WakuPeerRecord.codec(), opts)
  }
}
