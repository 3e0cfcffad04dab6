import { Buffer } from 'node:buffer'
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync } from 'node:crypto'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { withoutStackTraces } from '@rendezvous/codec/without-stack-traces'
import { bytesEqual } from '@rendezvous/store'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import type { KeyObject } from 'node:crypto'

/** DER framing of a raw X25519 key: PKCS#8 for a private key, SubjectPublicKeyInfo for a public one (RFC 8410) */
const PKCS8_X25519 = Buffer.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])
const SPKI_X25519 = Buffer.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00])

/** The bytes of a key as Noise passes them: an array, or a list of chunks (`Uint8ArrayList`) that can be joined */
type KeyBytes = Uint8Array | { subarray(): Uint8Array }

/** A key imported once, with the bytes it was imported from (a caller could change its array afterwards) */
interface Imported {
  bytes: Uint8Array
  key: KeyObject
}

/**
 * Keys by the array that holds their bytes. Noise passes the same array for a node's static key in every
 * handshake, and for a handshake's ephemeral key and the peer's keys in each of its Diffie-Hellman steps,
 * so a key is imported once where Node's `diffieHellman` would import it from DER on every step.
 */
class KeyImports {
  private readonly keys = new WeakMap<Uint8Array, Imported>()
  private readonly importKey: (raw: Uint8Array) => KeyObject

  constructor (importKey: (raw: Uint8Array) => KeyObject) {
    this.importKey = importKey
  }

  of (bytes: KeyBytes): KeyObject {
    if (!(bytes instanceof Uint8Array)) {
      return this.importKey(bytes.subarray())
    }
    const held = this.keys.get(bytes)
    if (held != null && bytesEqual(held.bytes, bytes)) {
      return held.key
    }
    const key = this.importKey(bytes)
    this.remember(bytes, key)
    return key
  }

  remember (bytes: Uint8Array, key: KeyObject): void {
    this.keys.set(bytes, { bytes: Uint8Array.from(bytes), key })
  }
}

const privateKeys = new KeyImports(raw => withoutStackTraces(() => createPrivateKey({
  key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8'
})))
const publicKeys = new KeyImports(raw => withoutStackTraces(() => createPublicKey({
  key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki'
})))

/**
 * The Noise handshake's cryptography for a rendezvous point, which spends most of a handshake's CPU in it
 * (docs/performance.md, "Handshakes"): `@chainsafe/libp2p-noise`'s own Node.js implementation, except that
 *
 * - X25519 keys are imported once per key instead of on every Diffie-Hellman step (a responder's three steps
 * use its static key, which never changes, its ephemeral key twice and the peer's ephemeral key twice), with
 * Node's key import run without capturing the stacks of the errors it throws and catches inside;
 * - a new ephemeral key pair stays a `KeyObject` for its steps instead of being exported and imported back;
 * - HKDF is Node's (`hkdfSync`, native) instead of `@noble/hashes` in JavaScript.
 *
 * The results are the same bytes (packages/cli/test/noise-crypto-agrees-with-libp2p-noise.spec.ts). Given to
 * the daemon's transport encrypter as `noise({ crypto: noiseCrypto })`, a supported option of the package.
 */
export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,

  getHKDF (ck: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
    const okm = new Uint8Array(hkdfSync('sha256', ikm, ck, new Uint8Array(0), 96))
    return [okm.subarray(0, 32), okm.subarray(32, 64), okm.subarray(64, 96)]
  },

  generateX25519KeyPair () {
    const pair = generateKeyPairSync('x25519')
    const publicKey = pair.publicKey.export({ type: 'spki', format: 'der' }).subarray(SPKI_X25519.byteLength)
    const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'der' }).subarray(PKCS8_X25519.byteLength)
    privateKeys.remember(privateKey, pair.privateKey)
    return { publicKey, privateKey }
  },

  generateX25519SharedKey (privateKey: KeyBytes, publicKey: KeyBytes): Uint8Array {
    return diffieHellman({ privateKey: privateKeys.of(privateKey), publicKey: publicKeys.of(publicKey) })
  }
}
