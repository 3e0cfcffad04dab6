import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { encode as encodeVarint } from 'uint8-varint'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { PeerRecordError, RECORD_FORMATS, openPeerRecord, sealPeerRecord, verifyPeerRecord } from '../src/index.ts'
import { openPeerRecordByObjects } from '../src/peer-record.ts'
import { openPlainEnvelope } from '../src/plain-envelope.ts'
import { GOLDEN_ENVELOPE_HEX, GOLDEN_RUST_ENVELOPE_HEX, GOLDEN_WAKU_ENVELOPE_HEX } from '../src/testing.ts'
import type { OpenPeerRecordOptions, PeerRecordSummary, RecordFormat, VerifiedPeerRecord } from '../src/index.ts'
import type { PrivateKey, Record } from '@libp2p/interface'

/** An outcome as one comparable string: the summary's fields, or the error's name and message */
async function outcome (opening: Promise<PeerRecordSummary>): Promise<string> {
  try {
    const r = await opening
    return `ok ${r.peerId.toString()} ${r.addressCount} addresses ${r.addressBytes} bytes ${r.format.name}`
  } catch (err: any) {
    return `${err.name}: ${err.message}`
  }
}

/** A whole opened record as one comparable string, or the error's name and message */
async function fullOutcome (opening: Promise<VerifiedPeerRecord>): Promise<string> {
  try {
    const r = await opening
    expect(r.publicKey.equals(r.peerId.publicKey)).to.be.true()
    return [
      'ok', r.peerId.toString(), r.peerId.toMultihash().bytes.join(','), r.publicKey.type, r.multiaddrs.map(String).join(' '),
      r.multiaddrs.map(ma => ma.bytes.join(',')).join(' '), r.addressCount, r.addressBytes, r.seq, r.envelope.byteLength, r.format.name,
      'mixKey' in r ? JSON.stringify(r.mixKey ?? null) : 'no mixKey', Object.keys(r).join(',')
    ].join(' | ')
  } catch (err: any) {
    return `${err.name}: ${err.message}`
  }
}

/**
 * verifyPeerRecord and openPeerRecord decide as the generic path (`@libp2p/peer-record`'s classes) does:
 * the same summary or the same whole record, or the same error class and message
 */
async function expectSameOutcome (bytes: Uint8Array, options?: OpenPeerRecordOptions): Promise<string> {
  const reference = await fullOutcome(openPeerRecordByObjects(bytes, options))
  expect(await fullOutcome(openPeerRecord(bytes, options))).to.equal(reference)
  const light = await outcome(verifyPeerRecord(bytes, options))
  expect(light).to.equal(await outcome(openPeerRecordByObjects(bytes, options)))
  return light
}

/** A record that lies about what it is, to build envelopes no honest sealer makes */
function customRecord (domain: string, codec: Uint8Array, payload: Uint8Array): Record {
  return { domain, codec, marshal: () => payload, equals: () => false }
}

async function sealCustom (key: PrivateKey, format: RecordFormat, payload: Uint8Array, domain = format.domain, payloadType = format.payloadType): Promise<Uint8Array> {
  return (await RecordEnvelope.seal(customRecord(domain, payloadType, payload), key)).marshal()
}

/** A protobuf varint's bytes */
function varint (n: number): number[] {
  return [...encodeVarint(n)]
}

/** One length-delimited protobuf field */
function field (tag: number, bytes: Uint8Array | number[]): number[] {
  return [tag, ...varint(bytes.length), ...bytes]
}

/** A payload of the format naming `key`'s peer, with raw address bytes that need not be a multiaddr */
function payloadWithAddresses (format: RecordFormat, key: PrivateKey, addresses: number[][]): Uint8Array {
  const peerId = peerIdFromPrivateKey(key).toMultihash().bytes
  if (format.name === 'waku') {
    return Uint8Array.from([...field(0x0a, peerId), 0x10, 0x01, ...addresses.flatMap(a => field(0x1a, a)), ...field(0x22, [])])
  }
  return Uint8Array.from([...field(0x0a, peerId), 0x10, 0x01, ...addresses.flatMap(a => field(0x1a, field(0x0a, a)))])
}

/** A payload of the format naming these peer ID bytes, with one address and seq 1 */
function payloadNaming (format: RecordFormat, peerId: number[]): number[] {
  return format.name === 'waku'
    ? [...field(0x0a, peerId), 0x10, 0x01, ...field(0x1a, ADDRESSES[0].bytes), ...field(0x22, [])]
    : [...field(0x0a, peerId), 0x10, 0x01, ...field(0x1a, field(0x0a, ADDRESSES[0].bytes))]
}

function bigintBytes (n: bigint, length: number): number[] {
  return Array.from({ length }, (_, i) => Number((n >> BigInt(8 * (length - 1 - i))) & 0xffn))
}

/** A positive DER INTEGER's minimal content bytes */
function intBytes (n: bigint): number[] {
  const bytes = bigintBytes(n, 33)
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1] < 0x80) {
    bytes.shift()
  }
  return bytes
}

/** `SEQUENCE { INTEGER, INTEGER }` of these content bytes */
function der (ints: number[][]): Uint8Array {
  const body = ints.flatMap(i => [0x02, i.length, ...i])
  return Uint8Array.from([0x30, body.length, ...body])
}

function derInts (signature: Uint8Array): { r: bigint, s: bigint } {
  const read = (at: number): [bigint, number] => {
    const length = signature[at + 1]
    const value = signature.subarray(at + 2, at + 2 + length).reduce((v, b) => (v << 8n) | BigInt(b), 0n)
    return [value, at + 2 + length]
  }
  const [r, next] = read(2)
  const [s] = read(next)
  return { r, s }
}

/** The uncompressed form (04, x, y) of a compressed secp256k1 key */
function secp256k1Uncompressed (compressed: Uint8Array): Uint8Array {
  const p = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn
  const pow = (b: bigint, e: bigint): bigint => {
    let result = 1n
    for (b %= p; e > 0n; e >>= 1n, b = b * b % p) {
      if ((e & 1n) === 1n) {
        result = result * b % p
      }
    }
    return result
  }
  const x = compressed.subarray(1).reduce((v, b) => (v << 8n) | BigInt(b), 0n)
  let y = pow((x ** 3n + 7n) % p, (p + 1n) / 4n)
  if (Number(y & 1n) !== (compressed[0] & 1)) {
    y = p - y
  }
  return Uint8Array.from([0x04, ...bigintBytes(x, 32), ...bigintBytes(y, 32)])
}

const ADDRESSES = [
  '/ip4/127.0.0.1/tcp/4001',
  '/ip4/127.0.0.1/tcp/4002/ws',
  '/ip6/::1/udp/4001/quic-v1/webtransport',
  '/dns4/point.example/tcp/443/wss',
  '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf/p2p-circuit',
  '/ip4/127.0.0.1/udp/4001/webrtc-direct'
].map(a => multiaddr(a))

describe('verifyPeerRecord and openPeerRecord decide as the generic path does', () => {
  const keys = {} as { ed25519: PrivateKey, other: PrivateKey, secp256k1: PrivateKey, ecdsa: PrivateKey, rsa: PrivateKey }

  before(async function () {
    this.timeout(30_000)
    keys.ed25519 = await generateKeyPair('Ed25519')
    keys.other = await generateKeyPair('Ed25519')
    keys.secp256k1 = await generateKeyPair('secp256k1')
    keys.ecdsa = await generateKeyPair('ECDSA')
    keys.rsa = await generateKeyPair('RSA', 2048)
  })

  for (const format of RECORD_FORMATS) {
    describe(`in the ${format.name} format`, () => {
      for (const type of ['ed25519', 'secp256k1'] as const) {
        it(`decides an envelope of an ${type} key itself, with the summary and the record the generic path gives`, async () => {
          for (let n = 1; n <= ADDRESSES.length; n++) {
            const sealed = await sealPeerRecord(keys[type], ADDRESSES.slice(0, n), { format })
            const decided = openPlainEnvelope(sealed, {})
            expect(decided).to.have.property('valid', true)
            expect(decided).to.have.property('addresses').with.length(n)
            expect(await expectSameOutcome(sealed)).to.match(/^ok /)
            const opened = await openPeerRecordByObjects(sealed)
            const light = await verifyPeerRecord(sealed, { expectedPeer: peerIdFromPrivateKey(keys[type]) })
            expect(light.peerId.equals(opened.peerId)).to.be.true()
            expect(light.peerId.publicKey?.equals(opened.publicKey)).to.be.true()
            expect(light.addressBytes).to.equal(opened.addressBytes)
            expect(light.format).to.equal(format)
          }
        })

        it(`refuses a forged signature of an ${type} key with the same error, deciding it itself`, async () => {
          const envelope = RecordEnvelope.createFromProtobuf(await sealPeerRecord(keys[type], ADDRESSES.slice(0, 2), { format }))
          const data = new TextEncoder().encode('not the record')
          // a signature of the right shape over other bytes: the generic path and Node's check both say no
          const forged = new RecordEnvelope({ ...envelope, signature: await keys[type].sign(data) }).marshal()
          expect(openPlainEnvelope(forged, {})).to.deep.equal({ valid: false, format })
          expect(await expectSameOutcome(forged)).to.match(/^InvalidSignatureError/)
        })
      }

      it('reads every sequence number size and mix key as the generic path does', async () => {
        for (const seq of [0n, 1n, 127n, 128n, 1_700_000_000n, BigInt(Date.now()), 1_764_460_800_123_456_789n, (1n << 63n) - 1n, (1n << 64n) - 1n]) {
          for (const mixKey of [undefined, '', '0x0a1b2c', 'clé mixte']) {
            const sealed = await sealPeerRecord(keys.ed25519, ADDRESSES.slice(0, 1), { format, seq, mixKey })
            const opened = await openPeerRecord(sealed)
            expect(opened.seq).to.equal(seq)
            expect(opened.mixKey).to.equal(format.name === 'waku' ? (mixKey ?? '') : undefined)
            expect(await expectSameOutcome(sealed)).to.match(/^ok /)
          }
        }
      })

      it('opens a record sealed with an RSA key (through the generic path)', async () => {
        const sealed = await sealPeerRecord(keys.rsa, ADDRESSES.slice(0, 2), { format })
        expect(openPlainEnvelope(sealed, {})).to.equal(undefined)
        const summary = await verifyPeerRecord(sealed, { expectedPeer: peerIdFromPrivateKey(keys.rsa) })
        expect(summary.peerId.equals(peerIdFromPrivateKey(keys.rsa))).to.be.true()
        expect(summary.addressCount).to.equal(2)
        expect(await expectSameOutcome(sealed)).to.match(/^ok /)
      })

      it('leaves to the generic path the secp256k1 signatures and keys the two could judge apart, with the same outcome', async () => {
        const envelope = RecordEnvelope.createFromProtobuf(await sealPeerRecord(keys.secp256k1, ADDRESSES.slice(0, 2), { format }))
        const { r, s } = derInts(envelope.signature)
        const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
        const signatures: Array<[string, Uint8Array]> = [
          // the same signature with the high s (OpenSSL accepts it, @noble/curves does not)
          ['high s', der([intBytes(r), intBytes(n - s)])],
          ['a needless leading zero', der([[0, ...intBytes(r)], intBytes(s)])],
          ['a long-form length', Uint8Array.from([0x30, 0x81, ...der([intBytes(r), intBytes(s)]).subarray(1)])],
          ['r = 0', der([[0], intBytes(s)])],
          ['s = n', der([intBytes(r), intBytes(n)])],
          ['a byte after the sequence', Uint8Array.from([...envelope.signature, 0])],
          ['64 raw bytes', new Uint8Array(64).fill(1)]
        ]
        for (const [, signature] of signatures) {
          const bytes = new RecordEnvelope({ ...envelope, signature }).marshal()
          expect(openPlainEnvelope(bytes, {})).to.equal(undefined)
          expect(await expectSameOutcome(bytes)).to.match(/^InvalidSignatureError/)
        }
        // keys that are not points (x = p, x on no point), and the uncompressed key of the same peer
        const p = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn
        const uncompressed = secp256k1Uncompressed(envelope.publicKey.raw)
        for (const raw of [Uint8Array.from([0x02, ...bigintBytes(p, 32)]), Uint8Array.from([0x02, ...new Uint8Array(32).fill(0)]), uncompressed]) {
          const key = [0x08, 0x02, 0x12, raw.byteLength, ...raw]
          const payload = payloadNaming(format, [0x00, key.length, ...key])
          const bytes = Uint8Array.from([...field(0x0a, key), ...field(0x12, format.payloadType), ...field(0x1a, payload), ...field(0x2a, envelope.signature)])
          expect(openPlainEnvelope(bytes, {})).to.equal(undefined)
          await expectSameOutcome(bytes)
        }
      })

      it('treats an envelope signed with an ECDSA key (which names no peer ID) as openPeerRecord does', async () => {
        const payload = format.encodePayload({ peerId: peerIdFromPrivateKey(keys.ed25519), multiaddrs: ADDRESSES.slice(0, 2), seq: 1n, mixKey: '' })
        const sealed = await sealCustom(keys.ecdsa, format, payload)
        expect(openPlainEnvelope(sealed, {})).to.equal(undefined)
        expect(await expectSameOutcome(sealed)).to.match(/^InvalidEnvelopeError: the envelope's key names no peer ID/)
      })

      it('refuses a flipped byte of an Ed25519 signature with the same error, deciding it itself', async () => {
        const envelope = RecordEnvelope.createFromProtobuf(await sealPeerRecord(keys.ed25519, ADDRESSES.slice(0, 2), { format }))
        const signature = envelope.signature.slice()
        signature[0] ^= 0xff
        const forged = new RecordEnvelope({ ...envelope, signature }).marshal()
        expect(openPlainEnvelope(forged, {})).to.deep.equal({ valid: false, format })
        expect(await expectSameOutcome(forged)).to.match(/^InvalidSignatureError/)
      })

      it('refuses each bad envelope openPeerRecord refuses, with the same error and message', async () => {
        const payload = format.encodePayload({ peerId: peerIdFromPrivateKey(keys.ed25519), multiaddrs: ADDRESSES.slice(0, 2), seq: 1n, mixKey: '' })
        const otherPeers = format.encodePayload({ peerId: peerIdFromPrivateKey(keys.other), multiaddrs: ADDRESSES.slice(0, 2), seq: 1n, mixKey: '' })
        const sealed = await sealPeerRecord(keys.ed25519, ADDRESSES.slice(0, 2), { format })
        const cases: Array<[string, Uint8Array, OpenPeerRecordOptions?]> = [
          ['InvalidSignatureError', await sealCustom(keys.ed25519, format, payload, 'not-a-peer-record')],
          ['WrongPayloadTypeError', await sealCustom(keys.ed25519, format, payload, format.domain, Uint8Array.from([0x03, 0x02]))],
          ['InvalidPeerRecordError', await sealCustom(keys.ed25519, format, Uint8Array.from([0xff, 0xff]))],
          ['InvalidPeerRecordError', await sealCustom(keys.ed25519, format, payloadWithAddresses(format, keys.ed25519, [[0x04, 127, 0, 0]]))],
          ['InvalidPeerRecordError', await sealCustom(keys.ed25519, format, payloadWithAddresses(format, keys.ed25519, [[0x7f]]))],
          ['KeyMismatchError', await sealCustom(keys.ed25519, format, otherPeers)],
          ['RecordOfAnotherPeerError', sealed, { expectedPeer: peerIdFromPrivateKey(keys.other) }],
          ['WrongPayloadTypeError', sealed, { formats: RECORD_FORMATS.filter(f => f !== format) }],
          ['UnknownRecordFormatError', sealed, { formats: ['nope'] }],
          ['InvalidEnvelopeError', Uint8Array.from([1, 2, 3])],
          ['InvalidEnvelopeError', sealed.subarray(0, sealed.byteLength - 1)]
        ]
        for (const [name, bytes, options] of cases) {
          expect(await expectSameOutcome(bytes, options)).to.match(new RegExp(`^${name}`))
          await expect(verifyPeerRecord(bytes, options)).to.eventually.be.rejectedWith(PeerRecordError)
        }
      })

      it('a port cut short at the end of an address gets what openPeerRecord gives it', async () => {
        // multiaddr 13 reads a port through a DataView of the whole buffer, so it reads on past the address
        // into the envelope's next bytes: whatever that gives, both give the same
        const sealed = await sealCustom(keys.ed25519, format, payloadWithAddresses(format, keys.ed25519, [[0x04, 127, 0, 0, 1, 0x06, 0x0f]]))
        expect(openPlainEnvelope(sealed, {})).to.not.equal(undefined)
        await expectSameOutcome(sealed)
      })

      it('refuses keys that are not points of the curve and signatures out of range as openPeerRecord does', async () => {
        for (const raw of [new Uint8Array(32).fill(0xff), new Uint8Array(32), Uint8Array.from({ length: 32 }, (_, i) => i === 0 ? 2 : 0)]) {
          const key = [0x08, 0x01, 0x12, 0x20, ...raw]
          const payload = payloadNaming(format, [0x00, 0x24, ...key])
          for (const signature of [new Uint8Array(64), new Uint8Array(64).fill(0xff)]) {
            const envelope = Uint8Array.from([...field(0x0a, key), ...field(0x12, format.payloadType), ...field(0x1a, payload), ...field(0x2a, signature)])
            expect(await expectSameOutcome(envelope)).to.match(/^InvalidSignatureError/)
          }
        }
      })

      it('accepts what openPeerRecord accepts in unusual encodings: an empty address, fields out of order, an unknown field', async () => {
        const plain = payloadWithAddresses(format, keys.ed25519, [[...ADDRESSES[0].bytes], []])
        const envelope = RecordEnvelope.createFromProtobuf(await sealCustom(keys.ed25519, format, plain))
        const reordered = Uint8Array.from([
          ...field(0x2a, envelope.signature), ...field(0x1a, envelope.payload), ...field(0x12, envelope.payloadType),
          ...field(0x0a, [0x08, 0x01, 0x12, 0x20, ...envelope.publicKey.raw]), ...field(0x3a, [1, 2, 3])
        ])
        expect(await expectSameOutcome(reordered)).to.match(/^ok .* 2 addresses 8 bytes/)
      })
    })
  }

  it('refuses empty input and the golden envelopes under restricted formats as openPeerRecord does', async () => {
    await expectSameOutcome(new Uint8Array(0))
    for (const hex of [GOLDEN_ENVELOPE_HEX, GOLDEN_RUST_ENVELOPE_HEX, GOLDEN_WAKU_ENVELOPE_HEX]) {
      const golden = uint8ArrayFromString(hex, 'base16')
      expect(await expectSameOutcome(golden)).to.match(/^ok /)
      for (const format of RECORD_FORMATS) {
        await expectSameOutcome(golden, { formats: [format] })
      }
    }
  })

  for (const [name, hex] of [['standard', GOLDEN_ENVELOPE_HEX], ['rust-legacy', GOLDEN_RUST_ENVELOPE_HEX], ['waku', GOLDEN_WAKU_ENVELOPE_HEX]]) {
    it(`${name}: a damaged golden envelope (a byte changed, inserted or removed, or cut short) gets the same outcome from both`, async () => {
      const golden = uint8ArrayFromString(hex, 'base16')
      const damage = fc.oneof(
        fc.tuple(fc.constant('set'), fc.nat({ max: golden.byteLength - 1 }), fc.integer({ min: 0, max: 255 })),
        fc.tuple(fc.constant('insert'), fc.nat({ max: golden.byteLength }), fc.integer({ min: 0, max: 255 })),
        fc.tuple(fc.constant('remove'), fc.nat({ max: golden.byteLength - 1 }), fc.constant(0)),
        fc.tuple(fc.constant('cut'), fc.nat({ max: golden.byteLength - 1 }), fc.constant(0))
      )
      await fc.assert(fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 3 }), async (steps) => {
        let bytes = golden.slice()
        for (const [kind, at, value] of steps) {
          const i = Math.min(at, bytes.byteLength)
          if (kind === 'set' && i < bytes.byteLength) {
            bytes[i] = value
          } else if (kind === 'insert') {
            bytes = Uint8Array.from([...bytes.subarray(0, i), value, ...bytes.subarray(i)])
          } else if (kind === 'remove') {
            bytes = Uint8Array.from([...bytes.subarray(0, i), ...bytes.subarray(i + 1)])
          } else if (kind === 'cut') {
            bytes = bytes.slice(0, i)
          }
        }
        await expectSameOutcome(bytes)
      }), { numRuns: 400 })
    })
  }

  it('a damaged envelope of a secp256k1 key (a byte changed) gets the same outcome from both', async () => {
    const sealed = await sealPeerRecord(keys.secp256k1, ADDRESSES.slice(0, 2), { format: 'waku' })
    await fc.assert(fc.asyncProperty(fc.nat({ max: sealed.byteLength - 1 }), fc.integer({ min: 0, max: 255 }), async (at, value) => {
      const damaged = sealed.slice()
      damaged[at] = value
      await expectSameOutcome(damaged)
    }), { numRuns: 150 })
  })

  it('a damaged record of every address kind, resealed so that the signature holds, gets the same outcome from both', async () => {
    const key = keys.ed25519
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...RECORD_FORMATS), fc.nat({ max: 1000 }), fc.integer({ min: 0, max: 255 }),
      async (format, at, value) => {
        const payload = format.encodePayload({ peerId: peerIdFromPrivateKey(key), multiaddrs: ADDRESSES, seq: 7n, mixKey: '' })
        const damaged = payload.slice()
        damaged[at % damaged.byteLength] = value
        await expectSameOutcome(await sealCustom(key, format, damaged))
      }), { numRuns: 300 })
  })
})
