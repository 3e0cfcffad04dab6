import { expect } from 'aegir/chai'
import {
  CodecError, FrameDecoder, FrameTooLargeError, InvalidLengthPrefixError, MalformedMessageError, MissingFieldError,
  TruncatedFrameError, UnknownEnumValueError, UnsupportedByDialectError, decodeFrame, decodeFrames, encodeFrame,
  rendezvous, wakuV0
} from '../src/index.ts'

const u8 = (...b: number[]): Uint8Array => Uint8Array.from(b)

async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for await (const m of source) {
    out.push(m)
  }
  return out
}

describe('framing rejects bad input with typed errors', () => {
  it('refuses an oversized length prefix before any body byte arrives', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 })
    // 0x80 0x80 0x80 0x80 0x08 = 2^31: only the prefix is pushed, so nothing of that size can exist yet
    decoder.push(u8(0x80, 0x80, 0x80, 0x80, 0x08))
    expect(() => decoder.next()).to.throw(FrameTooLargeError).with.property('length', 2 ** 31)
    expect(decoder.bufferedBytes).to.equal(5)
  })

  it('refuses as soon as a partial prefix already exceeds the limit', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 100 })
    decoder.push(u8(0xff))
    expect(() => decoder.next()).to.throw(FrameTooLargeError)
  })

  it('accepts a frame of exactly the limit and refuses one byte more', () => {
    const ok = encodeFrame(new Uint8Array(100))
    expect(decodeFrame(ok, { maxFrameBytes: 100 }).message).to.have.length(100)
    expect(() => decodeFrame(encodeFrame(new Uint8Array(101)), { maxFrameBytes: 100 })).to.throw(FrameTooLargeError)
  })

  it('refuses a non-minimal varint prefix', () => {
    expect(() => decodeFrame(u8(0x81, 0x00, 0x01), { maxFrameBytes: 100 })).to.throw(InvalidLengthPrefixError)
    expect(() => decodeFrame(u8(0x80, 0x00), { maxFrameBytes: 100 })).to.throw(InvalidLengthPrefixError)
  })

  it('refuses a prefix longer than ten bytes', () => {
    expect(() => decodeFrame(new Uint8Array(11).fill(0x80), { maxFrameBytes: Number.MAX_SAFE_INTEGER })).to.throw(InvalidLengthPrefixError)
  })

  it('refuses a non-minimal prefix on every path (it-length-prefixed alone would read 80 00 as 0 and a stray 00)', async () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 100 })
    decoder.push(u8(0x80, 0x00, 0x01))
    expect(() => decoder.next()).to.throw(InvalidLengthPrefixError)
    await expect(collect(decodeFrames([u8(0x80), u8(0x00, 0x01)], { maxFrameBytes: 100 }))).to.eventually.be.rejectedWith(InvalidLengthPrefixError)
  })

  it('refuses a prefix longer than a length up to the limit needs as soon as its bytes arrive', async () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 100 })
    decoder.push(u8(0x80))
    expect(decoder.next()).to.equal(undefined)
    decoder.push(u8(0x80))
    expect(() => decoder.next()).to.throw(InvalidLengthPrefixError)
    await expect(collect(decodeFrames([u8(0x80), u8(0x80)], { maxFrameBytes: 100 }))).to.eventually.be.rejectedWith(InvalidLengthPrefixError)
  })

  it('gives the stream decoder\'s refusals as the codec\'s typed errors', async () => {
    await expect(collect(decodeFrames([u8(0x80, 0x80, 0x80, 0x80, 0x08)], { maxFrameBytes: 1024 }))).to.eventually.be.rejectedWith(FrameTooLargeError).with.property('length', 2 ** 31)
    await expect(collect(decodeFrames([u8(0xff)], { maxFrameBytes: 100 }))).to.eventually.be.rejectedWith(FrameTooLargeError).with.property('length', 127)
    await expect(collect(decodeFrames([encodeFrame(new Uint8Array(101))], { maxFrameBytes: 100 }))).to.eventually.be.rejectedWith(FrameTooLargeError).with.property('length', 101)
  })

  it('takes each frame\'s prefix and body out of bufferedBytes as it returns it', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1000 })
    decoder.push(new Uint8Array([...encodeFrame(new Uint8Array(300)), ...encodeFrame(u8(1))]))
    expect(decoder.bufferedBytes).to.equal(304)
    expect(decoder.next()).to.have.length(300)
    expect(decoder.bufferedBytes).to.equal(2)
    expect(decoder.next()).to.deep.equal(u8(1))
    expect(decoder.bufferedBytes).to.equal(0)
  })

  it('reports a stream that ends right after a length prefix as truncated (it-length-prefixed alone ends quietly)', async () => {
    await expect(collect(decodeFrames([u8(0x01)], { maxFrameBytes: 100 }))).to.eventually.be.rejectedWith(TruncatedFrameError)
    await expect(collect(decodeFrames([encodeFrame(u8(7)), u8(0x02)], { maxFrameBytes: 100 }))).to.eventually.be.rejectedWith(TruncatedFrameError)
  })

  it('reports a truncated frame, in one buffer and at the end of a stream', async () => {
    expect(() => decodeFrame(u8(0x05, 0x01, 0x02), { maxFrameBytes: 100 })).to.throw(TruncatedFrameError)
    expect(() => decodeFrame(u8(0x80), { maxFrameBytes: 100 })).to.throw(TruncatedFrameError)
    await expect(collect(decodeFrames([u8(0x03, 0x01)], { maxFrameBytes: 100 }))).to.eventually.be.rejectedWith(TruncatedFrameError)
  })

  it('yields each frame as soon as its last byte arrives, whatever the chunking', async () => {
    const a = encodeFrame(u8(1, 2, 3))
    const b = encodeFrame(new Uint8Array(300).fill(7))
    const all = new Uint8Array([...a, ...b])
    for (let cut = 0; cut <= all.length; cut += 37) {
      const frames = await collect(decodeFrames([all.subarray(0, cut), all.subarray(cut)], { maxFrameBytes: 1000 }))
      expect(frames.map(f => f.length)).to.deep.equal([3, 300])
    }
  })

  it('writes frames above it-length-prefixed\'s default 4 MiB limit: the reader sets the limit, not the writer', () => {
    const message = new Uint8Array(4 * 1024 * 1024 + 1).fill(9)
    const frame = encodeFrame(message)
    expect(frame.byteLength).to.equal(message.byteLength + 4)
    expect(decodeFrame(frame, { maxFrameBytes: message.byteLength }).message).to.deep.equal(message)
    expect(() => decodeFrame(frame, { maxFrameBytes: 4 * 1024 * 1024 })).to.throw(FrameTooLargeError)
  })

  it('ends cleanly on a frame boundary, including an empty stream and an empty frame', async () => {
    expect(await collect(decodeFrames([], { maxFrameBytes: 10 }))).to.deep.equal([])
    expect((await collect(decodeFrames([u8(0x00)], { maxFrameBytes: 10 })))[0]).to.have.length(0)
  })
})

describe('message decoding rejects bad input with typed errors', () => {
  for (const dialect of [wakuV0, rendezvous]) {
    describe(dialect.name, () => {
      it('names a wrong wire type', () => {
        // field 1 (type) sent as a length-delimited field
        expect(() => dialect.decode(u8(0x0a, 0x01, 0x00))).to.throw(MalformedMessageError, /type has wire type 2/)
        // register.ns (string) sent as a varint
        expect(() => dialect.decode(u8(0x08, 0x00, 0x12, 0x02, 0x08, 0x01))).to.throw(MalformedMessageError, /register\.ns has wire type 0/)
      })

      it('names an unknown message type and an unknown status', () => {
        expect(() => dialect.decode(u8(0x08, 0x09))).to.throw(UnknownEnumValueError).with.property('value', 9)
        // REGISTER_RESPONSE with status 999
        expect(() => dialect.decode(u8(0x08, 0x01, 0x1a, 0x03, 0x08, 0xe7, 0x07))).to.throw(UnknownEnumValueError).with.property('value', 999)
      })

      it('refuses a field that announces more bytes than remain', () => {
        expect(() => dialect.decode(u8(0x12, 0x05, 0x0a, 0x01))).to.throw(MalformedMessageError, /announces/)
      })

      it('refuses a truncated varint, a varint over ten bytes, field number 0 and group wire types', () => {
        expect(() => dialect.decode(u8(0x08, 0x80))).to.throw(MalformedMessageError, /truncated varint/)
        expect(() => dialect.decode(u8(0x08, ...new Array(11).fill(0x81)))).to.throw(MalformedMessageError, /longer than 10 bytes/)
        expect(() => dialect.decode(u8(0x00, 0x00))).to.throw(MalformedMessageError, /field number 0/)
        expect(() => dialect.decode(u8(0x0b))).to.throw(MalformedMessageError, /wire type 3/)
      })

      it('refuses a namespace that is not valid UTF-8', () => {
        expect(() => dialect.decode(u8(0x08, 0x00, 0x12, 0x03, 0x0a, 0x01, 0xff))).to.throw(MalformedMessageError, /UTF-8/)
      })

      it('skips unknown fields, as protobuf requires', () => {
        // REGISTER_RESPONSE OK with an unknown field 15 (varint) and 14 (bytes)
        const msg = dialect.decode(u8(0x08, 0x01, 0x1a, 0x00, 0x78, 0x05, 0x72, 0x01, 0x00))
        expect(msg).to.include({ type: 'REGISTER_RESPONSE', status: 0 })
      })

      it('raises only CodecError subclasses', () => {
        for (const bad of [u8(0xff), u8(0x08, 0x80), u8(0x12, 0xff, 0xff, 0xff, 0xff, 0x0f), u8(0x1f)]) {
          expect(() => dialect.decode(bad)).to.throw(CodecError)
        }
      })
    })
  }

  it('requires the type field in 1.0.0, where every encoder writes it', () => {
    expect(() => rendezvous.decode(u8(0x12, 0x00))).to.throw(MissingFieldError)
  })

  it('reads absent fields as zero in 0.0.1: an empty message is a REGISTER with nothing in it', () => {
    expect(wakuV0.decode(new Uint8Array(0))).to.deep.equal({ type: 'REGISTER', ns: '', signedPeerRecord: undefined, ttl: 0 })
  })

  it('refuses to express in 0.0.1 what only 1.0.0 has', () => {
    expect(() => wakuV0.encode({ type: 'UNREGISTER', ns: 'a' })).to.throw(UnsupportedByDialectError)
    expect(() => wakuV0.encode({ type: 'DISCOVER', ns: 'a', cookie: u8(1) })).to.throw(UnsupportedByDialectError)
    expect(() => wakuV0.encode({ type: 'DISCOVER_RESPONSE', status: 103, statusText: '', registrations: [] })).to.throw(UnsupportedByDialectError)
  })

  it('refuses values the wire type cannot carry', () => {
    expect(() => rendezvous.encode({ type: 'REGISTER', ns: 'a', ttl: -1 })).to.throw(MalformedMessageError)
    expect(() => wakuV0.encode({ type: 'REGISTER', ns: 'a', ttl: 1.5 })).to.throw(MalformedMessageError)
  })
})
