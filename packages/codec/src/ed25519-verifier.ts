import { Buffer } from 'node:buffer'
import { createPublicKey, verify } from 'node:crypto'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import type { KeyObject } from 'node:crypto'

/**
 * Checks an Ed25519 signature over `data` against a raw 32-byte public key; throws when the key cannot
 * be imported. `undefined` where no direct verifier exists (the browser build): callers then take the
 * generic path through `@libp2p/crypto`.
 */
export type Ed25519Verifier = (rawKey: Uint8Array, data: Uint8Array, signature: Uint8Array) => boolean

// the DER SubjectPublicKeyInfo header of an Ed25519 key (RFC 8410, section 4): the raw 32 bytes follow it
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

// any valid key serves to probe what this Node.js can import: the golden vectors' key (src/golden-vectors.ts)
const SOME_KEY = uint8ArrayFromString('79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664', 'base16')

function importRaw (rawKey: Uint8Array): KeyObject {
  // a view, not a copy: Node's key inputs are typed as Buffer
  return createPublicKey({ key: Buffer.from(rawKey.buffer, rawKey.byteOffset, rawKey.byteLength), format: 'raw-public', asymmetricKeyType: 'ed25519' })
}

function importSpki (rawKey: Uint8Array): KeyObject {
  const der = Buffer.allocUnsafe(SPKI_PREFIX.byteLength + rawKey.byteLength)
  der.set(SPKI_PREFIX)
  der.set(rawKey, SPKI_PREFIX.byteLength)
  return createPublicKey({ key: der, format: 'der', type: 'spki' })
}

/**
 * `createPublicKey` tells a `KeyObject` or a `CryptoKey` from other input by catching the TypeError that
 * reading their private slots throws (Node's `isKeyObject` and `isCryptoKey`), four times for an options
 * object like ours, and most of a thrown error's cost is capturing its stack: with no stack captured, an
 * import costs about a third as much (benchmarks/open-peer-record.ts, "key import"). JavaScript runs
 * nothing else until the import returns, so the limit is back before any other code can throw. Where
 * the limit cannot be set (frozen intrinsics), imports run as they are.
 */
function withoutStacks (importKey: (rawKey: Uint8Array) => KeyObject): (rawKey: Uint8Array) => KeyObject {
  const descriptor = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')
  if (descriptor?.writable !== true || Object.isFrozen(Error)) {
    return importKey
  }
  return (rawKey) => {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return importKey(rawKey)
    } finally {
      Error.stackTraceLimit = limit
    }
  }
}

/**
 * The cheapest import this Node.js has (benchmarks/open-peer-record.ts): `raw-public` (Node.js 24) skips
 * the DER decoder; Node.js 22 knows only DER and JWK, and DER needs no base64url string
 */
function pickImport (): (rawKey: Uint8Array) => KeyObject {
  try {
    importRaw(SOME_KEY)
    return withoutStacks(importRaw)
  } catch {
    return withoutStacks(importSpki)
  }
}

const importKey = pickImport()

/** Node's own Ed25519 (OpenSSL): the check `@libp2p/crypto` makes, without its JWK round trip */
export const verifyEd25519: Ed25519Verifier | undefined = (rawKey, data, signature) => verify(null, data, importKey(rawKey), signature)
