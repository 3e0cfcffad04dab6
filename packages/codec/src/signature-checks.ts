import { Buffer } from 'node:buffer'
import { createPublicKey, verify } from 'node:crypto'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { libsodium } from './libsodium.ts'
import { withoutStackTraces } from './without-stack-traces.ts'
import type { VerifyPublicKeyInput } from 'node:crypto'

/**
 * Checks a signature over `data` against a public key in its raw form (Ed25519: 32 bytes; secp256k1: the
 * 33-byte compressed point, the signature DER-encoded ECDSA over SHA-256, as libp2p signs); throws when the
 * key cannot be imported
 */
export type SignatureCheck = (rawKey: Uint8Array, data: Uint8Array, signature: Uint8Array) => boolean

/** Node's own checks (OpenSSL); `undefined` where there are none (the browser build) */
export interface SignatureChecks {
  ed25519: SignatureCheck
  secp256k1: SignatureCheck
}

// the DER SubjectPublicKeyInfo headers of each key (RFC 8410 section 4; RFC 5480 section 2, a compressed point):
// the raw key bytes follow them
const ED25519_SPKI_PREFIX = uint8ArrayFromString('302a300506032b6570032100', 'base16')
const SECP256K1_SPKI_PREFIX = uint8ArrayFromString('3036301006072a8648ce3d020106052b8104000a032200', 'base16')

// valid keys to probe what this Node.js can import: the golden vectors' key (src/golden-vectors.ts), and the
// secp256k1 generator point
const SOME_ED25519_KEY = uint8ArrayFromString('79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664', 'base16')
const SOME_SECP256K1_KEY = uint8ArrayFromString('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'base16')

/** A view, not a copy: Node's key inputs are typed as Buffer */
function view (bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function spki (prefix: Uint8Array, rawKey: Uint8Array): Buffer {
  const der = Buffer.allocUnsafe(prefix.byteLength + rawKey.byteLength)
  der.set(prefix)
  der.set(rawKey, prefix.byteLength)
  return der
}

// `raw-public` (Node.js 24) skips the DER decoder; Node's types do not list it for `verify` yet
const rawEd25519 = (rawKey: Uint8Array): VerifyPublicKeyInput => ({ key: view(rawKey), format: 'raw-public', asymmetricKeyType: 'ed25519' }) as unknown as VerifyPublicKeyInput
const spkiEd25519 = (rawKey: Uint8Array): VerifyPublicKeyInput => ({ key: spki(ED25519_SPKI_PREFIX, rawKey), format: 'der', type: 'spki' })
const rawSecp256k1 = (rawKey: Uint8Array): VerifyPublicKeyInput => ({ key: view(rawKey), format: 'raw-public', asymmetricKeyType: 'ec', namedCurve: 'secp256k1', dsaEncoding: 'der' }) as unknown as VerifyPublicKeyInput
const spkiSecp256k1 = (rawKey: Uint8Array): VerifyPublicKeyInput => ({ key: spki(SECP256K1_SPKI_PREFIX, rawKey), format: 'der', type: 'spki', dsaEncoding: 'der' })

/**
 * The cheapest key input this Node.js reads (benchmarks/open-peer-record.ts, "key import"): `raw-public`
 * (Node.js 24), else DER, which Node.js 22 reads without a base64url string (JWK). The key goes to `verify`
 * as it is rather than through `createPublicKey`: no `KeyObject` is built for one use.
 */
function pick (raw: (rawKey: Uint8Array) => VerifyPublicKeyInput, der: (rawKey: Uint8Array) => VerifyPublicKeyInput, someKey: Uint8Array): (rawKey: Uint8Array) => VerifyPublicKeyInput {
  try {
    createPublicKey(raw(someKey))
    return raw
  } catch {
    return der
  }
}

const ed25519Key = pick(rawEd25519, spkiEd25519, SOME_ED25519_KEY)
const secp256k1Key = pick(rawSecp256k1, spkiSecp256k1, SOME_SECP256K1_KEY)

function check (algorithm: string | null, key: VerifyPublicKeyInput, data: Uint8Array, signature: Uint8Array): boolean {
  return withoutStackTraces(() => verify(algorithm, data, key, signature))
}

const opensslEd25519: SignatureCheck = (rawKey, data, signature) => check(null, ed25519Key(rawKey), data, signature)

/**
 * libsodium's Ed25519 where it loads, at a third of OpenSSL's cost with Node's key import. libsodium also
 * refuses what OpenSSL accepts in one corner, keys and signature points of small order (no honest key
 * has one), so a signature it refuses is judged by OpenSSL too: `@libp2p/crypto`, the generic path, decides
 * with OpenSSL, and both paths keep one verdict for every input. Only invalid signatures pay for both.
 */
const sodium = libsodium
const ed25519: SignatureCheck = sodium == null
  ? opensslEd25519
  : (rawKey, data, signature) => sodium.crypto_sign_verify_detached(signature, data, rawKey) || opensslEd25519(rawKey, data, signature)

/** Ed25519 (libsodium or OpenSSL, above) and Node's own secp256k1 ECDSA (OpenSSL): the checks `@libp2p/crypto` makes, without its JWK round trip or its JavaScript curve */
export const signatureChecks: SignatureChecks | undefined = {
  ed25519,
  secp256k1: (rawKey, data, signature) => check('sha256', secp256k1Key(rawKey), data, signature)
}
