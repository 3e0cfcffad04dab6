import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import {
  GOLDEN_ENVELOPE_HEX, InvalidEnvelopeError, InvalidPeerRecordError, InvalidSignatureError, KeyMismatchError,
  NoAddressesError, PeerRecordError, UnexpectedPeerError, WrongPayloadTypeError, openPeerRecord, sealPeerRecord
} from '../src/index.ts'
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
  let key: PrivateKey
  let other: PrivateKey

  before(async () => {
    key = await generateKeyPair('Ed25519')
    other = await generateKeyPair('Ed25519')
  })

  it('seals the golden envelope byte for byte (Ed25519 signatures are deterministic)', async () => {
    const seeded = await generateKeyPairFromSeed('Ed25519', Uint8Array.from({ length: 32 }, (_, i) => i + 1))
    const sealed = await sealPeerRecord(seeded, addrs, { seq: 1n })
    expect(uint8ArrayToString(sealed, 'base16')).to.equal(GOLDEN_ENVELOPE_HEX)
  })

  for (const type of ['Ed25519', 'secp256k1'] as const) {
    it(`opens a record sealed with a ${type} key and returns its peer, addresses and seq`, async () => {
      const k = await generateKeyPair(type)
      const sealed = await sealPeerRecord(k, addrs, { seq: 42n })
      const opened = await openPeerRecord(sealed, { expectedPeer: peerIdFromPrivateKey(k) })
      expect(opened.peerId.equals(peerIdFromPrivateKey(k))).to.be.true()
      expect(opened.multiaddrs.map(String)).to.deep.equal(addrs.map(String))
      expect(opened.seq).to.equal(42n)
      expect(opened.addressBytes).to.equal(addrs[0].bytes.byteLength + addrs[1].bytes.byteLength)
      expect(opened.envelope).to.equal(sealed)
    })
  }

  it('refuses to seal a record without addresses', async () => {
    await expect(sealPeerRecord(key, [])).to.eventually.be.rejectedWith(NoAddressesError)
  })

  it('names bytes that are not an envelope', async () => {
    await expect(openPeerRecord(Uint8Array.from([1, 2, 3]))).to.eventually.be.rejectedWith(InvalidEnvelopeError)
    await expect(openPeerRecord(new Uint8Array(0))).to.eventually.be.rejectedWith(PeerRecordError)
  })

  it('names a forged signature', async () => {
    const envelope = RecordEnvelope.createFromProtobuf(await sealPeerRecord(key, addrs))
    const signature = envelope.signature.slice()
    signature[0] ^= 0xff
    const forged = new RecordEnvelope({ ...envelope, signature }).marshal()
    await expect(openPeerRecord(forged)).to.eventually.be.rejectedWith(InvalidSignatureError)
  })

  it('names a record signed for another domain (the signature does not cover the peer record domain)', async () => {
    const payload = new PeerRecord({ peerId: peerIdFromPrivateKey(key), multiaddrs: addrs }).marshal()
    const sealed = await sealCustom(key, customRecord('not-a-peer-record', PeerRecord.CODEC, payload))
    await expect(openPeerRecord(sealed)).to.eventually.be.rejectedWith(InvalidSignatureError)
  })

  it('names another payload type', async () => {
    const payload = new PeerRecord({ peerId: peerIdFromPrivateKey(key), multiaddrs: addrs }).marshal()
    const sealed = await sealCustom(key, customRecord(PeerRecord.DOMAIN, Uint8Array.from([0x03, 0x02]), payload))
    await expect(openPeerRecord(sealed)).to.eventually.be.rejectedWith(WrongPayloadTypeError)
  })

  it('names a payload that is not a peer record', async () => {
    const sealed = await sealCustom(key, customRecord(PeerRecord.DOMAIN, PeerRecord.CODEC, Uint8Array.from([0xff, 0xff])))
    await expect(openPeerRecord(sealed)).to.eventually.be.rejectedWith(InvalidPeerRecordError)
  })

  it('names a record of one peer signed by the key of another', async () => {
    const payload = new PeerRecord({ peerId: peerIdFromPrivateKey(other), multiaddrs: addrs }).marshal()
    const sealed = await sealCustom(key, customRecord(PeerRecord.DOMAIN, PeerRecord.CODEC, payload))
    await expect(openPeerRecord(sealed)).to.eventually.be.rejectedWith(KeyMismatchError)
  })

  it('names a valid record of another peer than the one expected', async () => {
    const sealed = await sealPeerRecord(key, addrs)
    await expect(openPeerRecord(sealed, { expectedPeer: peerIdFromPrivateKey(other) })).to.eventually.be.rejectedWith(UnexpectedPeerError)
  })
})
