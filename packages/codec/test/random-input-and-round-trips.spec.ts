import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import {
  CodecError, FrameDecoder, PeerRecordError, Status, decodeFrame, decodeFrames, encodeFrame, openPeerRecord, rendezvous,
  wakuV0, wakuV1
} from '../src/index.ts'
import { GOLDEN_ENVELOPE_HEX, GOLDEN_RUST_ENVELOPE_HEX, GOLDEN_WAKU_ENVELOPE_HEX } from '../src/testing.ts'
import type { Dialect, RendezvousMessage, StatusCode } from '../src/index.ts'

const RUNS = 2000

function decodesOrThrowsCodecError (dialect: Dialect, bytes: Uint8Array): void {
  try {
    dialect.decode(bytes)
  } catch (err) {
    expect(err).to.be.instanceOf(CodecError)
  }
}

// strings of whole code points: a lone surrogate cannot survive UTF-8, in any implementation
const text = fc.string({ unit: 'binary', maxLength: 40 })
const bytes = fc.uint8Array({ maxLength: 64 })
const nonEmptyBytes = fc.uint8Array({ minLength: 1, maxLength: 64 })
const int64 = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })
const uint64 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })
const allStatuses = Object.values(Status) as StatusCode[]
const wakuStatus = fc.constantFrom(...allStatuses.filter(s => s !== Status.E_INVALID_COOKIE))

/** 0.0.1 messages in the form they decode to: zero values and absent fields are one */
const wakuMessage: fc.Arbitrary<RendezvousMessage> = fc.oneof(
  fc.record({ type: fc.constant('REGISTER' as const), ns: text, signedPeerRecord: fc.option(nonEmptyBytes, { nil: undefined }), ttl: int64 }),
  fc.record({ type: fc.constant('REGISTER_RESPONSE' as const), status: wakuStatus, statusText: text, ttl: int64 }),
  fc.record({ type: fc.constant('DISCOVER' as const), ns: text, limit: int64 }),
  fc.record({
    type: fc.constant('DISCOVER_RESPONSE' as const),
    status: wakuStatus,
    statusText: text,
    registrations: fc.array(fc.record({ ns: text, signedPeerRecord: bytes, ttl: int64 }), { maxLength: 5 })
  })
)

const optionalUint = fc.option(uint64, { nil: undefined })
const optionalBytes = fc.option(bytes, { nil: undefined })

/** 1.0.0 messages in the form they decode to: presence is kept */
const specMessage: fc.Arbitrary<RendezvousMessage> = fc.oneof(
  fc.record({ type: fc.constant('REGISTER' as const), ns: text, signedPeerRecord: fc.option(nonEmptyBytes, { nil: undefined }), ttl: optionalUint }),
  fc.record({ type: fc.constant('REGISTER_RESPONSE' as const), status: fc.constantFrom(...allStatuses), statusText: text, ttl: optionalUint }),
  fc.record({ type: fc.constant('UNREGISTER' as const), ns: text }),
  fc.record({ type: fc.constant('DISCOVER' as const), ns: text, limit: optionalUint, cookie: optionalBytes }),
  fc.record({
    type: fc.constant('DISCOVER_RESPONSE' as const),
    status: fc.constantFrom(...allStatuses),
    statusText: text,
    registrations: fc.array(fc.record({ ns: text, signedPeerRecord: bytes, ttl: optionalUint }), { maxLength: 5 }),
    cookie: optionalBytes
  })
)

describe('random input never escapes as an untyped error', () => {
  for (const dialect of [wakuV0, rendezvous, wakuV1]) {
    it(`${dialect.name}: random bytes decode or raise a CodecError`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), bytes => { decodesOrThrowsCodecError(dialect, bytes) }), { numRuns: RUNS })
    })

    it(`${dialect.name}: a valid message with random bytes flipped decodes or raises a CodecError`, () => {
      const arbitrary = dialect === wakuV0 ? wakuMessage : specMessage
      fc.assert(fc.property(arbitrary, fc.nat(), fc.integer({ min: 0, max: 255 }), (message, at, value) => {
        const encoded = dialect.encode(message)
        if (encoded.byteLength === 0) {
          return
        }
        encoded[at % encoded.byteLength] = value
        decodesOrThrowsCodecError(dialect, encoded)
      }), { numRuns: RUNS })
    })
  }

  it('framing: random chunks either yield frames or raise a CodecError, and never yield more than the limit', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), chunks => {
      const decoder = new FrameDecoder({ maxFrameBytes: 64 })
      try {
        for (const chunk of chunks) {
          decoder.push(chunk)
          for (let m = decoder.next(); m != null; m = decoder.next()) {
            expect(m.byteLength).to.be.at.most(64)
          }
        }
        decoder.end()
      } catch (err) {
        expect(err).to.be.instanceOf(CodecError)
      }
    }), { numRuns: RUNS })
  })

  it('framing: the three readers (FrameDecoder, decodeFrames, decodeFrame) agree on random chunks, frames and errors alike', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), async chunks => {
      const outcome = async (read: () => Promise<Uint8Array[]>): Promise<string> => {
        try {
          return (await read()).map(f => f.join(',')).join('|')
        } catch (err) {
          expect(err).to.be.instanceOf(CodecError)
          return (err as Error).name
        }
      }
      const pushed = await outcome(async () => {
        const decoder = new FrameDecoder({ maxFrameBytes: 64 })
        const frames: Uint8Array[] = []
        for (const chunk of chunks) {
          decoder.push(chunk)
          for (let m = decoder.next(); m != null; m = decoder.next()) {
            frames.push(m)
          }
        }
        decoder.end()
        return frames
      })
      const streamed = await outcome(async () => {
        const frames: Uint8Array[] = []
        for await (const m of decodeFrames(chunks, { maxFrameBytes: 64 })) {
          frames.push(m)
        }
        return frames
      })
      expect(streamed).to.equal(pushed)
      const all = Uint8Array.from(chunks.flatMap(c => [...c]))
      const first = await outcome(async () => all.byteLength === 0 ? [] : [decodeFrame(all, { maxFrameBytes: 64 }).message])
      // one frame at the start: the same first frame, or the same error when the input goes wrong before its end
      if (!pushed.includes('Error')) {
        expect(first).to.equal(all.byteLength === 0 ? '' : pushed.split('|')[0])
      }
    }), { numRuns: RUNS })
  })
})

describe('encode then decode gives the message back', () => {
  it('waku/0.0.1, every message type', () => {
    fc.assert(fc.property(wakuMessage, message => {
      expect(wakuV0.decode(wakuV0.encode(message))).to.deep.equal(message)
    }), { numRuns: RUNS })
  })

  it('rendezvous/1.0.0, every message type', () => {
    fc.assert(fc.property(specMessage, message => {
      expect(rendezvous.decode(rendezvous.encode(message))).to.deep.equal(message)
    }), { numRuns: RUNS })
  })

  it('waku/1.0.0, every message type (the 1.0.0 messages)', () => {
    fc.assert(fc.property(specMessage, message => {
      expect(wakuV1.decode(wakuV1.encode(message))).to.deep.equal(message)
    }), { numRuns: RUNS })
  })

  it('frames of random messages split back into the same messages', () => {
    fc.assert(fc.property(fc.array(specMessage, { maxLength: 5 }), fc.nat({ max: 50 }), (messages, step) => {
      const stream = messages.map(m => encodeFrame(rendezvous.encode(m)))
      const all = new Uint8Array(stream.reduce((n, f) => n + f.byteLength, 0))
      let offset = 0
      for (const f of stream) {
        all.set(f, offset)
        offset += f.byteLength
      }
      const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 })
      const out: RendezvousMessage[] = []
      const size = step + 1
      for (let i = 0; i < all.byteLength; i += size) {
        decoder.push(all.subarray(i, i + size))
        for (let m = decoder.next(); m != null; m = decoder.next()) {
          out.push(rendezvous.decode(m))
        }
      }
      decoder.end()
      expect(out).to.deep.equal(messages)
    }), { numRuns: 300 })
  })
})

describe('signed peer records of every format under random damage', () => {
  for (const [name, envelopeHex] of [['standard', GOLDEN_ENVELOPE_HEX], ['rust-legacy', GOLDEN_RUST_ENVELOPE_HEX], ['waku', GOLDEN_WAKU_ENVELOPE_HEX]]) {
    it(`${name}: a flipped byte opens or raises a PeerRecordError, never anything else`, async () => {
      const envelope = uint8ArrayFromString(envelopeHex, 'base16')
      await fc.assert(fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 255 }), async (at, value) => {
        const damaged = envelope.slice()
        damaged[at % damaged.byteLength] = value
        try {
          await openPeerRecord(damaged)
        } catch (err) {
          expect(err).to.be.instanceOf(PeerRecordError)
        }
      }), { numRuns: 300 })
    })
  }
})
