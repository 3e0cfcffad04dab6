import { createRequire } from 'node:module'

/**
 * The calls of libsodium (the `sodium-native` addon) that this project makes. Arguments are arrays of the
 * sizes libsodium names (its `crypto_*_BYTES` constants); outputs are written into the first argument.
 */
export interface Libsodium {
  /** Ed25519: whether `signature` (64 bytes) signs `message` for the 32-byte public key `publicKey` */
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean
  /** X25519: the 32-byte public key of the 32-byte secret key `secretKey` */
  crypto_scalarmult_base(publicKey: Uint8Array, secretKey: Uint8Array): void
  /** X25519: the 32-byte shared secret of `secretKey` and the other side's `publicKey` */
  crypto_scalarmult(shared: Uint8Array, secretKey: Uint8Array, publicKey: Uint8Array): void
  /** ChaCha20-Poly1305 (IETF, 12-byte nonce): `ciphertext` is the plaintext's length plus the 16-byte tag */
  crypto_aead_chacha20poly1305_ietf_encrypt(ciphertext: Uint8Array, plaintext: Uint8Array, additionalData: Uint8Array | null, secretNonce: null, nonce: Uint8Array, key: Uint8Array): number
  /** Throws when the tag does not authenticate the ciphertext and additional data */
  crypto_aead_chacha20poly1305_ietf_decrypt(plaintext: Uint8Array, secretNonce: null, ciphertext: Uint8Array, additionalData: Uint8Array | null, nonce: Uint8Array, key: Uint8Array): number
  /** SHA-256 of `data` into the 32-byte `digest` */
  crypto_hash_sha256(digest: Uint8Array, data: Uint8Array): void
  randombytes_buf(bytes: Uint8Array): void
}

/**
 * libsodium, where its addon loads: `sodium-native` is an optional dependency that ships prebuilt binaries for
 * the common platforms, with no install step to fail. Its Ed25519, X25519 and ChaCha20-Poly1305 cost a half
 * to a third of Node's (OpenSSL behind per-call key and cipher objects) and of the WebAssembly cipher
 * `@chainsafe/libp2p-noise` uses for small messages (docs/performance.md, "libsodium"). `undefined` where the
 * addon is missing or does not load (another platform, a bundle): callers then use Node's crypto, with the
 * same results for every honest input.
 */
export const libsodium: Libsodium | undefined = (() => {
  if (process.env.RENDEZVOUS_NO_LIBSODIUM === '1') {
    return undefined
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return
    return createRequire(import.meta.url)('sodium-native')
  } catch {
    return undefined
  }
})()
