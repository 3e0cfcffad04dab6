import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { InvalidPeerRecordError, openPeerRecord, rustLegacyRecord, sealPeerRecord, wakuRecord } from '../src/index.ts'
import { GOLDEN_RUST_ENVELOPE_HEX, GOLDEN_WAKU_ENVELOPE_HEX } from '../src/testing.ts'

const hex = (bytes: Uint8Array): string => uint8ArrayToString(bytes, 'base16')
const ascii = (s: string): string => hex(new TextEncoder().encode(s))
const bytes = (h: string): Uint8Array => uint8ArrayFromString(h, 'base16')
const varint = (n: number): string => n < 0x80 ? n.toString(16).padStart(2, '0') : ((n & 0x7f) | 0x80).toString(16) + varint(n >>> 7)
const field = (tag: string, body: string): string => tag + varint(body.length / 2) + body

// the Ed25519 key whose seed is 0x01 … 0x20 (the golden envelope's key)
const PUBLIC_KEY = '79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664'
// libp2p's PublicKey protobuf: 08 01 (KeyType Ed25519) 12 20 <32 bytes>
const PUBLIC_KEY_PROTOBUF = '0801' + field('12', PUBLIC_KEY)
// an Ed25519 peer ID is the identity multihash (00, length 24) of that protobuf
const PEER_ID_BYTES = '00' + varint(PUBLIC_KEY_PROTOBUF.length / 2) + PUBLIC_KEY_PROTOBUF
// /ip4/127.0.0.1/tcp/4001: 04 (ip4) 7f000001, 06 (tcp) 0fa1
const ADDRESS = '047f000001' + '060fa1'
const MIX_KEY = '0x' + Array.from({ length: 32 }, (_, i) => (0xa0 + i).toString(16)).join('')

/** The libp2p signed envelope (RFC 0002): 1 public key, 2 payload type, 3 payload, 5 signature */
function envelope (payloadType: string, payload: string, signature: string): string {
  return field('0a', PUBLIC_KEY_PROTOBUF) + field('12', payloadType) + field('1a', payload) + field('2a', signature)
}

/** What the envelope's signature covers: varint-prefixed domain, payload type and payload */
function signedData (domain: string, payloadType: string, payload: string): Uint8Array {
  return bytes(field('', ascii(domain)) + field('', payloadType) + field('', payload))
}

describe('record formats, byte for byte', () => {
  it('seals nwaku\'s WakuPeerRecord as waku_peer_record.nim writes it', async () => {
    // WakuPeerRecord.encode: 1 peer ID bytes, 2 seqNo varint, 3 each address's raw bytes (no AddressInfo), 4 the mix key string
    const payload = field('0a', PEER_ID_BYTES) + '1001' + field('1a', ADDRESS) + field('22', ascii(MIX_KEY))
    // payloadType(WakuPeerRecord) = @[0x30, 0x00, 0x00]
    const sealed = await sealPeerRecord(await generateKeyPairFromSeed('Ed25519', Uint8Array.from({ length: 32 }, (_, i) => i + 1)),
      [multiaddr('/ip4/127.0.0.1/tcp/4001')], { format: 'waku', seq: 1n, mixKey: MIX_KEY })
    const signature = hex(sealed).slice(-128)
    expect(hex(sealed)).to.equal(envelope('300000', payload, signature))
    expect(hex(sealed)).to.equal(GOLDEN_WAKU_ENVELOPE_HEX)

    // payloadDomain(WakuPeerRecord) = $multiCodec("libp2p-custom-peer-record"): the signature covers that string
    const opened = await openPeerRecord(sealed)
    expect(await opened.publicKey.verify(signedData('libp2p-custom-peer-record', '300000', payload), bytes(signature))).to.be.true()
    expect(opened.format).to.equal(wakuRecord)
    expect(opened.mixKey).to.equal(MIX_KEY)
    expect(opened.seq).to.equal(1n)
    expect(opened.multiaddrs.map(String)).to.deep.equal(['/ip4/127.0.0.1/tcp/4001'])
  })

  it('seals rust-libp2p\'s legacy record as libp2p-core peer_record.rs writes it', async () => {
    // the standard PeerRecord payload: 1 peer ID, 2 seq, 3 AddressInfo{1 multiaddr}
    const payload = field('0a', PEER_ID_BYTES) + '1001' + field('1a', field('0a', ADDRESS))
    const payloadType = ascii('/libp2p/routing-state-record')
    const sealed = bytes(GOLDEN_RUST_ENVELOPE_HEX)
    const signature = GOLDEN_RUST_ENVELOPE_HEX.slice(-128)
    expect(GOLDEN_RUST_ENVELOPE_HEX).to.equal(envelope(payloadType, payload, signature))
    const opened = await openPeerRecord(sealed)
    expect(await opened.publicKey.verify(signedData('libp2p-routing-state', payloadType, payload), bytes(signature))).to.be.true()
    expect(opened.format).to.equal(rustLegacyRecord)
  })

  it('reads a WakuPeerRecord only with the fields nwaku\'s decoder requires', () => {
    const complete = { peer: field('0a', PEER_ID_BYTES), seq: '1001', address: field('1a', ADDRESS), mix: field('22', ascii(MIX_KEY)) }
    expect(wakuRecord.decodePayload(bytes(Object.values(complete).join(''))).mixKey).to.equal(MIX_KEY)
    // an empty mix key is written and read: nwaku requires the field, not a value
    expect(wakuRecord.decodePayload(bytes(complete.peer + complete.seq + complete.address + '2200')).mixKey).to.equal('')
    for (const missing of Object.keys(complete)) {
      const partial = Object.entries(complete).filter(([k]) => k !== missing).map(([, v]) => v).join('')
      expect(() => wakuRecord.decodePayload(bytes(partial)), `without ${missing}`).to.throw(InvalidPeerRecordError)
    }
  })
})
