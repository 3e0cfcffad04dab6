import { Buffer } from 'node:buffer'
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync } from 'node:crypto'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { libsodium } from '@rendezvous/codec/libsodium'
import { withoutStackTraces } from '@rendezvous/codec/without-stack-traces'
import { bytesEqual } from '@rendezvous/store'
import { libsodiumNoiseCrypto } from './noise-crypto-libsodium.ts'
import type { NoiseBytes } from './noise-bytes.ts'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import type { KeyObject } from 'node:crypto'

/** DER framing of a raw X25519 private key: PKCS#8 (RFC 8410) */
const PKCS8_X25519 = Buffer.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])

const EMPTY = new Uint8Array(0)

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

  of (bytes: NoiseBytes): KeyObject {
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

/** base64url of a raw key, as JWK carries it */
function base64url (raw: Uint8Array): string {
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url')
}

/** The raw key of a JWK field */
function fromBase64url (field: string | undefined): Uint8Array {
  if (field == null) {
    throw new TypeError('a key exported as JWK has no key field')
  }
  return Buffer.from(field, 'base64url')
}

// only a static key given to Noise from outside is imported: the pairs it generates are kept (below)
const privateKeys = new KeyImports(raw => withoutStackTraces(() => createPrivateKey({
  key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8'
})))
// JWK rather than DER: Node reads an OKP key from JWK straight into OpenSSL's raw-key call, where DER goes
// through OpenSSL's decoder framework (an import 9-11 µs against 14 µs, an export 2 µs against 12-22 µs)
const publicKeys = new KeyImports(raw => withoutStackTraces(() => createPublicKey({
  key: { kty: 'OKP', crv: 'X25519', x: base64url(raw) }, format: 'jwk'
})))

/**
 * The Noise cryptography of a point where libsodium does not load: `@chainsafe/libp2p-noise`'s own Node.js
 * implementation, except that
 *
 * - X25519 keys are imported once per key instead of on every Diffie-Hellman step (a responder's three steps
 * use its static key, which never changes, its ephemeral key twice and the peer's ephemeral key twice), with
 * Node's key import run without capturing the stacks of the errors it throws and catches inside, public keys
 * read as JWK;
 * - a new ephemeral key pair stays a `KeyObject` for its steps instead of being exported and imported back,
 * and its bytes are exported as JWK;
 * - HKDF is Node's (`hkdfSync`, native, without stacks for its key check's errors) instead of `@noble/hashes`
 * in JavaScript.
 *
 * The results are the same bytes (packages/cli/test/noise-crypto-agrees-with-libp2p-noise.spec.ts).
 */
export const opensslNoiseCrypto: ICryptoInterface = {
  ...defaultCrypto,

  getHKDF (ck: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
    // Node's key check throws and catches an error for a key that is not a KeyObject: no stack for it
    const okm = new Uint8Array(withoutStackTraces(() => hkdfSync('sha256', ikm, ck, EMPTY, 96)))
    return [okm.subarray(0, 32), okm.subarray(32, 64), okm.subarray(64, 96)]
  },

  generateX25519KeyPair () {
    const pair = generateKeyPairSync('x25519')
    const publicKey = fromBase64url(pair.publicKey.export({ format: 'jwk' }).x)
    const privateKey = fromBase64url(pair.privateKey.export({ format: 'jwk' }).d)
    privateKeys.remember(privateKey, pair.privateKey)
    return { publicKey, privateKey }
  },

  generateX25519SharedKey (privateKey: NoiseBytes, publicKey: NoiseBytes): Uint8Array {
    return diffieHellman({ privateKey: privateKeys.of(privateKey), publicKey: publicKeys.of(publicKey) })
  }
}

/**
 * The Noise handshake's cryptography for a rendezvous point, which spends most of a handshake's CPU in it
 * (docs/performance.md, "Handshakes"): libsodium's where it loads (src/noise-crypto-libsodium.ts), otherwise
 * {@link opensslNoiseCrypto}. Both give `@chainsafe/libp2p-noise`'s own bytes
 * (packages/cli/test/noise-crypto-agrees-with-libp2p-noise.spec.ts). Given to the daemon's transport
 * encrypter as `noise({ crypto: noiseCrypto })`, a supported option of the package.
 */
export const noiseCrypto: ICryptoInterface = libsodium == null ? opensslNoiseCrypto : libsodiumNoiseCrypto(libsodium, opensslNoiseCrypto.getHKDF)
