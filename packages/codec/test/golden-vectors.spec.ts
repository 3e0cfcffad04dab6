import { expect } from 'aegir/chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { DEFAULT_MAX_RESPONSE_BYTES, decodeFrame, encodeMessageFrame, rendezvous, wakuV0, wakuV1 } from '../src/index.ts'
import { goldenVectors, GOLDEN_ENVELOPE_HEX } from '../src/testing.ts'
import type { Dialect } from '../src/index.ts'

const dialects: Record<string, Dialect> = { 'waku/0.0.1': wakuV0, 'rendezvous/1.0.0': rendezvous, 'waku/1.0.0': wakuV1 }
const hex = (bytes: Uint8Array): string => uint8ArrayToString(bytes, 'base16')
const bytes = (h: string): Uint8Array => uint8ArrayFromString(h.replaceAll(' ', ''), 'base16')

describe('golden vectors', () => {
  // these literals are what the Go reference's generated encoder writes, not what ours does: the interop run
  // checks them against frames go-waku-rendezvous writes (docs/interop.md, "frames written by each peer")
  it('matches the bytes go-waku-rendezvous writes', () => {
    expect(hex(encodeMessageFrame(wakuV0, { type: 'DISCOVER', ns: 'foo', limit: 50 }))).to.equal('0b080222070a03666f6f1032')
    expect(hex(encodeMessageFrame(wakuV0, { type: 'REGISTER_RESPONSE', status: 0, statusText: '', ttl: 20 }))).to.equal('0608011a021814')
    expect(hex(encodeMessageFrame(wakuV0, { type: 'DISCOVER_RESPONSE', status: 0, statusText: '', registrations: [] }))).to.equal('0408032a00')
    expect(hex(encodeMessageFrame(wakuV0, { type: 'REGISTER_RESPONSE', status: 102, statusText: 'bad ttl' }))).to.equal('0f' + '08011a0b086612076261642074746c')
  })

  it('writes a 0.0.1 REGISTER as 12 <len> [0a 03 "foo" 12 <len> envelope 18 14], with no type field', () => {
    const envelope = bytes(GOLDEN_ENVELOPE_HEX)
    const frame = encodeMessageFrame(wakuV0, { type: 'REGISTER', ns: 'foo', signedPeerRecord: envelope, ttl: 20 })
    const inner = '0a03666f6f' + '12b201' + GOLDEN_ENVELOPE_HEX + '1814'
    expect(envelope.byteLength).to.equal(178)
    expect(hex(frame)).to.equal('bf01' + '12bc01' + inner)
  })

  it('always writes type and status in 1.0.0, even when they are zero', () => {
    expect(hex(encodeMessageFrame(rendezvous, { type: 'REGISTER_RESPONSE', status: 0, statusText: '', ttl: 7200 }))).to.equal('0908011a05080018a038')
    const register = encodeMessageFrame(rendezvous, { type: 'REGISTER', ns: 'a', ttl: 7200 })
    expect(hex(register.subarray(1, 3))).to.equal('0800')
  })

  for (const vector of goldenVectors) {
    describe(vector.name, () => {
      const dialect = dialects[vector.dialect]

      it('encodes to exactly these bytes', () => {
        expect(hex(encodeMessageFrame(dialect, vector.message))).to.equal(vector.frame)
      })

      it('decodes from these bytes to the message', () => {
        const { message, bytesRead } = decodeFrame(bytes(vector.frame), { maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES })
        expect(bytesRead).to.equal(vector.frame.length / 2)
        expect(dialect.decode(message)).to.deep.equal(vector.message)
      })
    })
  }
})
