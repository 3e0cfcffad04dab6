import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { expect } from 'aegir/chai'
import { noiseCrypto } from '../src/noise-crypto.ts'

describe('the point\'s Noise cryptography gives the bytes @chainsafe/libp2p-noise\'s own does', () => {
  it('derives the same HKDF outputs', () => {
    for (let i = 0; i < 20; i++) {
      const ck = crypto.getRandomValues(new Uint8Array(32))
      const ikm = crypto.getRandomValues(new Uint8Array(32))
      expect(noiseCrypto.getHKDF(ck, ikm)).to.deep.equal(defaultCrypto.getHKDF(ck, ikm))
    }
  })

  it('agrees on every shared secret, for its own key pairs and for theirs, on every step of a key it has imported', () => {
    for (let i = 0; i < 20; i++) {
      const ours = noiseCrypto.generateX25519KeyPair()
      const theirs = defaultCrypto.generateX25519KeyPair()
      const expected = defaultCrypto.generateX25519SharedKey(theirs.privateKey, ours.publicKey)
      // twice: the second step finds both keys imported
      expect(noiseCrypto.generateX25519SharedKey(ours.privateKey, theirs.publicKey)).to.deep.equal(expected)
      expect(noiseCrypto.generateX25519SharedKey(ours.privateKey, theirs.publicKey)).to.deep.equal(expected)
      expect(noiseCrypto.generateX25519SharedKey(theirs.privateKey, ours.publicKey)).to.deep.equal(expected)
      // the bytes of its own private key are the key's
      expect(defaultCrypto.generateX25519SharedKey(ours.privateKey, theirs.publicKey)).to.deep.equal(expected)
    }
  })

  it('imports a key again when the bytes of its array have changed', () => {
    const a = noiseCrypto.generateX25519KeyPair()
    const b = defaultCrypto.generateX25519KeyPair()
    const c = defaultCrypto.generateX25519KeyPair()
    const peer = Uint8Array.from(b.publicKey)
    expect(noiseCrypto.generateX25519SharedKey(a.privateKey, peer)).to.deep.equal(defaultCrypto.generateX25519SharedKey(a.privateKey, b.publicKey))
    peer.set(c.publicKey)
    expect(noiseCrypto.generateX25519SharedKey(a.privateKey, peer)).to.deep.equal(defaultCrypto.generateX25519SharedKey(a.privateKey, c.publicKey))
  })

  it('leaves Error.stackTraceLimit as it was', () => {
    const before = Error.stackTraceLimit
    const a = noiseCrypto.generateX25519KeyPair()
    noiseCrypto.generateX25519SharedKey(a.privateKey, defaultCrypto.generateX25519KeyPair().publicKey)
    expect(Error.stackTraceLimit).to.equal(before)
  })
})
