import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { libsodium } from '@rendezvous/codec/libsodium'
import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { libsodiumNoiseCrypto } from '../src/noise-crypto-libsodium.ts'
import { noiseCrypto as chosen, opensslNoiseCrypto } from '../src/noise-crypto.ts'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'

describe('the point uses libsodium\'s Noise cryptography where libsodium loads', () => {
  it('libsodium loads in this repository, and the point\'s Noise cryptography is not the OpenSSL fallback', () => {
    expect(libsodium).to.not.be.undefined()
    expect(chosen).to.not.equal(opensslNoiseCrypto)
  })
})

const implementations: Array<[string, ICryptoInterface]> = [['OpenSSL', opensslNoiseCrypto]]
if (libsodium != null) {
  implementations.push(['libsodium', libsodiumNoiseCrypto(libsodium, opensslNoiseCrypto.getHKDF)])
}

for (const [name, noiseCrypto] of implementations) {
  describe(`the point's Noise cryptography (${name}) gives the bytes @chainsafe/libp2p-noise's own does`, () => {
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

    it('hashes arrays and lists of chunks to the same SHA-256', () => {
      for (const size of [0, 1, 64, 1000]) {
        const data = crypto.getRandomValues(new Uint8Array(size))
        const list = new Uint8ArrayList(data.subarray(0, size >> 1), data.subarray(size >> 1))
        expect(noiseCrypto.hashSHA256(data)).to.deep.equal(defaultCrypto.hashSHA256(data))
        expect(noiseCrypto.hashSHA256(list)).to.deep.equal(defaultCrypto.hashSHA256(data))
      }
    })

    it('seals and opens ChaCha20-Poly1305 messages as theirs does, opened in place, and refuses a changed byte', () => {
      const k = crypto.getRandomValues(new Uint8Array(32))
      const nonce = crypto.getRandomValues(new Uint8Array(12))
      for (const size of [0, 1, 100, 1199, 1200, 5000]) {
        const plaintext = crypto.getRandomValues(new Uint8Array(size))
        const ad = size % 2 === 0 ? new Uint8Array(0) : crypto.getRandomValues(new Uint8Array(32))
        const theirs = defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k).subarray()
        expect(noiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k).subarray()).to.deep.equal(theirs)
        expect(noiseCrypto.chaCha20Poly1305Encrypt(new Uint8ArrayList(plaintext), nonce, ad, k).subarray()).to.deep.equal(theirs)
        expect(noiseCrypto.chaCha20Poly1305Decrypt(theirs, nonce, ad, k).subarray()).to.deep.equal(plaintext)

        // as libp2p-noise opens a transport message: into the front of its own ciphertext's bytes (a hint: an
        // implementation may return other bytes)
        const buffer = Uint8Array.from(theirs)
        expect(noiseCrypto.chaCha20Poly1305Decrypt(buffer, nonce, ad, k, buffer.subarray(0, size)).subarray()).to.deep.equal(plaintext)

        const changed = Uint8Array.from(theirs)
        changed[(size * 7) % changed.byteLength] ^= 1
        expect(() => noiseCrypto.chaCha20Poly1305Decrypt(changed, nonce, ad, k)).to.throw()
      }
    })

    it('refuses a shared secret with a peer key of small order, as theirs does', () => {
      const ours = noiseCrypto.generateX25519KeyPair()
      const zero = new Uint8Array(32)
      expect(() => defaultCrypto.generateX25519SharedKey(ours.privateKey, zero)).to.throw()
      expect(() => noiseCrypto.generateX25519SharedKey(ours.privateKey, zero)).to.throw()
    })
  })
}
