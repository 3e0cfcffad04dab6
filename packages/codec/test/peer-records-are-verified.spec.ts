import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import {
  InvalidEnvelopeError, InvalidPeerRecordError, InvalidSignatureError, KeyMismatchError,
  NoAddressesError, PeerRecordError, RECORD_FORMATS, RecordOfAnotherPeerError, UnknownRecordFormatError, WrongPayloadTypeError,
  openPeerRecord, sealPeerRecord
} from '../src/index.ts'
import { GOLDEN_ENVELOPE_HEX } from '../src/testing.ts'
import type { PrivateKey, Record } from '@libp2p/interface'

const addrs = [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr('/ip4/127.0.0.1/tcp/4002/ws')]

/** A record that lies about what it is, to build envelopes no honest sealer makes */
function customRecord (domain: string, codec: Uint8Array, payload: Uint8Array): Record {
  return { domain, codec, marshal: () => payload, equals: () => false }
}

async function sealCustom (key: PrivateKey, record: Record): Promise<Uint8Array> {
  return (await RecordEnvelope.seal(record, key)).marshal()
}

describe('signed peer records', () => {
  // one object, so the tests built in loops below read the keys that `before` made
  const keys = {} as { key: PrivateKey, other: PrivateKey }

  before(async () => {
    keys.key = await generateKeyPair('Ed25519')
    keys.other = await generateKeyPair('Ed25519')
  })

  it('seals the golden envelope byte for byte (Ed25519 signatures are deterministic)', async () => {
    const seeded = await generateKeyPairFromSeed('Ed25519', Uint8Array.from({ length: 32 }, (_, i) => i + 1))
    const sealed = await sealPeerRecord(seeded, addrs, { seq: 1n })
    expect(uint8ArrayToString(sealed, 'base16')).to.equal(GOLDEN_ENVELOPE_HEX)
  })

  it('refuses to seal a record without addresses', async () => {
    await expect(sealPeerRecord(keys.key, [])).to.eventually.be.rejectedWith(NoAddressesError)
  })

  it('names bytes that are not an envelope', async () => {
    await expect(openPeerRecord(Uint8Array.from([1, 2, 3]))).to.eventually.be.rejectedWith(InvalidEnvelopeError)
    await expect(openPeerRecord(new Uint8Array(0))).to.eventually.be.rejectedWith(PeerRecordError)
  })

  for (const format of RECORD_FORMATS) {
    describe(`in the ${format.name} format`, () => {
      for (const type of ['Ed25519', 'secp256k1'] as const) {
        it(`opens a record sealed with a ${type} key and returns its peer, addresses and seq`, async () => {
          const k = await generateKeyPair(type)
          const sealed = await sealPeerRecord(k, addrs, { seq: 42n, format })
          const opened = await openPeerRecord(sealed, { expectedPeer: peerIdFromPrivateKey(k) })
          expect(opened.format).to.equal(format)
          expect(opened.peerId.equals(peerIdFromPrivateKey(k))).to.be.true()
          expect(opened.multiaddrs.map(String)).to.deep.equal(addrs.map(String))
          expect(opened.seq).to.equal(42n)
          expect(opened.addressBytes).to.equal(addrs[0].bytes.byteLength + addrs[1].bytes.byteLength)
          expect(opened.envelope).to.equal(sealed)
        })
      }

      it('names a forged signature', async () => {
        const envelope = RecordEnvelope.createFromProtobuf(await sealPeerRecord(keys.key, addrs, { format }))
        const signature = envelope.signature.slice()
        signature[0] ^= 0xff
        const forged = new RecordEnvelope({ ...envelope, signature }).marshal()
        await expect(openPeerRecord(forged)).to.eventually.be.rejectedWith(InvalidSignatureError)
      })

      it('names a record signed for another domain (the signature does not cover the peer record domain)', async () => {
        const payload = format.encodePayload({ peerId: peerIdFromPrivateKey(keys.key), multiaddrs: addrs, seq: 1n, mixKey: '' })
        const sealed = await sealCustom(keys.key, customRecord('not-a-peer-record', format.payloadType, payload))
        await expect(openPeerRecord(sealed)).to.eventually.be.rejectedWith(InvalidSignatureError)
      })

      it('names another payload type', async () => {
        const payload = format.encodePayload({ peerId: peerIdFromPrivateKey(keys.key), multiaddrs: addrs, seq: 1n, mixKey: '' })
        const sealed = await sealCustom(keys.key, customRecord(format.domain, Uint8Array.from([0x03, 0x02]), payload))
        await expect(openPeerRecord(sealed)).to.eventually.be.rejectedWith(WrongPayloadTypeError)
      })

      it('names a payload that is not a peer record', async () => {
        const sealed = await sealCustom(keys.key, customRecord(format.domain, format.payloadType, Uint8Array.from([0xff, 0xff])))
        await expect(openPeerRecord(sealed)).to.eventually.be.rejectedWith(InvalidPeerRecordError)
      })

      it('names a record of one peer signed by the key of another', async () => {
        const payload = format.encodePayload({ peerId: peerIdFromPrivateKey(keys.other), multiaddrs: addrs, seq: 1n, mixKey: '' })
        const sealed = await sealCustom(keys.key, customRecord(format.domain, format.payloadType, payload))
        await expect(openPeerRecord(sealed)).to.eventually.be.rejectedWith(KeyMismatchError)
      })

      it('names a valid record of another peer than the one expected', async () => {
        const sealed = await sealPeerRecord(keys.key, addrs, { format })
        await expect(openPeerRecord(sealed, { expectedPeer: peerIdFromPrivateKey(keys.other) })).to.eventually.be.rejectedWith(RecordOfAnotherPeerError)
      })

      it('is refused where only the other formats are accepted', async () => {
        const sealed = await sealPeerRecord(keys.key, addrs, { format })
        const others = RECORD_FORMATS.filter(f => f !== format)
        await expect(openPeerRecord(sealed, { formats: others })).to.eventually.be.rejectedWith(WrongPayloadTypeError)
        await expect(openPeerRecord(sealed, { formats: [format.name] })).to.eventually.have.property('format', format)
      })
    })
  }

  it('refuses an unknown format name', async () => {
    await expect(sealPeerRecord(keys.key, addrs, { format: 'nope' })).to.eventually.be.rejectedWith(UnknownRecordFormatError)
    await expect(openPeerRecord(await sealPeerRecord(keys.key, addrs), { formats: ['nope'] })).to.eventually.be.rejectedWith(UnknownRecordFormatError)
  })
})
