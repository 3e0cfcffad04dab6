import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { joined } from './noise-bytes.ts'
import type { NoiseBytes } from './noise-bytes.ts'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import type { Libsodium } from '@rendezvous/codec/libsodium'

const KEY_BYTES = 32
const TAG_BYTES = 16

/**
 * Noise's X25519, ChaCha20-Poly1305 and SHA-256 in libsodium: one native call each, with no key or cipher
 * object built per call as Node's crypto needs, and none of the WebAssembly copies that
 * `@chainsafe/libp2p-noise` makes for messages under 1,200 bytes. Measured per call (docs/performance.md,
 * "libsodium"): an ephemeral key pair 24 µs against Node's 53, a Diffie-Hellman step 37 against 45, sealing
 * or opening a 300-byte message 1.5 against 4.7 to 5. HKDF stays `hkdf` (Node's, native).
 *
 * A message is opened into `dst` when Noise gives one (it decrypts a transport message in place, into the
 * bytes of its own ciphertext: libsodium checks the tag before it writes, and reads each byte before it
 * writes it).
 */
export function libsodiumNoiseCrypto (sodium: Libsodium, hkdf: ICryptoInterface['getHKDF']): ICryptoInterface {
  return {
    ...defaultCrypto,

    getHKDF: hkdf,

    hashSHA256 (data: NoiseBytes): Uint8Array {
      const digest = new Uint8Array(32)
      sodium.crypto_hash_sha256(digest, joined(data))
      return digest
    },

    generateX25519KeyPair () {
      const privateKey = new Uint8Array(KEY_BYTES)
      const publicKey = new Uint8Array(KEY_BYTES)
      sodium.randombytes_buf(privateKey)
      sodium.crypto_scalarmult_base(publicKey, privateKey)
      return { publicKey, privateKey }
    },

    generateX25519SharedKey (privateKey: NoiseBytes, publicKey: NoiseBytes): Uint8Array {
      // libsodium refuses a shared secret of all zeros (a peer's key of small order), as OpenSSL does
      const shared = new Uint8Array(KEY_BYTES)
      sodium.crypto_scalarmult(shared, joined(privateKey), joined(publicKey))
      return shared
    },

    chaCha20Poly1305Encrypt (plaintext: NoiseBytes, nonce: Uint8Array, ad: Uint8Array, k: Uint8Array): Uint8Array {
      const message = joined(plaintext)
      const sealed = new Uint8Array(message.byteLength + TAG_BYTES)
      sodium.crypto_aead_chacha20poly1305_ietf_encrypt(sealed, message, ad, null, nonce, k)
      return sealed
    },

    chaCha20Poly1305Decrypt (ciphertext: NoiseBytes, nonce: Uint8Array, ad: Uint8Array, k: Uint8Array, dst?: Uint8Array): Uint8Array {
      const sealed = joined(ciphertext)
      const opened = dst ?? new Uint8Array(sealed.byteLength - TAG_BYTES)
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt(opened, null, sealed, ad, nonce, k)
      return opened
    }
  }
}
