import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidSignatureError, openPeerRecord, sealPeerRecord, standardRecord } from '@rendezvous/codec'
import { expect } from 'aegir/chai'
import { EnvelopeVerifier, VerificationCache } from '../src/verification-cache.ts'
import { corruptSignature } from './fixtures/records.ts'
import type { VerifiedEnvelope } from '../src/verification-cache.ts'
import type { PeerId } from '@libp2p/interface'

const entries = Array.from({ length: 6 }, (_, n): VerifiedEnvelope => ({
  peerId: { toString: () => `peer-${n}` } as unknown as PeerId, addressCount: n, addressBytes: n * 8, format: standardRecord
}))
const entry = (n: number): VerifiedEnvelope => entries[n]

describe('VerificationCache', () => {
  it('keys by a digest of the exact bytes', () => {
    expect(VerificationCache.key(Uint8Array.from([1, 2, 3]))).to.equal(VerificationCache.key(Uint8Array.from([1, 2, 3])))
    expect(VerificationCache.key(Uint8Array.from([1, 2, 3]))).to.not.equal(VerificationCache.key(Uint8Array.from([1, 2, 4])))
  })

  it('holds at most maxSize entries and evicts the least recently used', () => {
    const cache = new VerificationCache(3)
    cache.set('a', entry(1))
    cache.set('b', entry(2))
    cache.set('c', entry(3))
    expect(cache.get('a')).to.equal(entry(1)) // a is now the most recent
    cache.set('d', entry(4))
    expect(cache.size).to.equal(3)
    expect(cache.get('b')).to.be.undefined()
    expect(cache.get('a')).to.not.be.undefined()
    expect(cache.get('c')).to.not.be.undefined()
    expect(cache.get('d')).to.not.be.undefined()
  })

  it('re-setting a key refreshes it without growing', () => {
    const cache = new VerificationCache(2)
    cache.set('a', entry(1))
    cache.set('b', entry(2))
    cache.set('a', entry(5))
    cache.set('c', entry(3))
    expect(cache.size).to.equal(2)
    expect(cache.get('a')).to.equal(entry(5))
    expect(cache.get('b')).to.be.undefined()
  })

  it('size 0 keeps nothing; a bad size throws', () => {
    const cache = new VerificationCache(0)
    cache.set('a', entry(1))
    expect(cache.get('a')).to.be.undefined()
    expect(() => new VerificationCache(-1)).to.throw(RangeError)
    expect(() => new VerificationCache(1.5)).to.throw(RangeError)
  })
})

describe('EnvelopeVerifier', () => {
  it('verifies an envelope once and answers byte-identical ones from the cache', async () => {
    const key = await generateKeyPair('Ed25519')
    const spr = await sealPeerRecord(key, [multiaddr('/ip4/127.0.0.1/tcp/1'), multiaddr('/ip4/127.0.0.1/tcp/2')])
    let calls = 0
    const verifier = new EnvelopeVerifier(10, async (bytes) => { calls++; return openPeerRecord(bytes) })
    const first = await verifier.verify(spr)
    const second = await verifier.verify(Uint8Array.from(spr))
    expect(calls).to.equal(1)
    expect(second).to.equal(first)
    expect(first).to.deep.include({ addressCount: 2, addressBytes: 16 })
    expect(first.peerId.toString()).to.equal((await openPeerRecord(spr)).peerId.toString())
    expect({ verifications: verifier.verifications, cacheHits: verifier.cacheHits, size: verifier.cacheSize }).to.deep.equal({ verifications: 1, cacheHits: 1, size: 1 })
  })

  it('does not cache failures: a bad envelope is checked, and refused, every time', async () => {
    const key = await generateKeyPair('Ed25519')
    const bad = corruptSignature(await sealPeerRecord(key, [multiaddr('/ip4/127.0.0.1/tcp/1')]))
    const verifier = new EnvelopeVerifier(10)
    await expect(verifier.verify(bad)).to.eventually.be.rejectedWith(InvalidSignatureError)
    await expect(verifier.verify(bad)).to.eventually.be.rejectedWith(InvalidSignatureError)
    expect(verifier.verifications).to.equal(2)
    expect(verifier.cacheSize).to.equal(0)
  })
})
