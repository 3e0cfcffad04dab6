import { Buffer } from 'node:buffer'
import { verify } from 'node:crypto'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import type { VerifyPublicKeyInput } from 'node:crypto'

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

/** The key as `raw-public` input (Node.js 24; its types do not list that format for `verify` yet) */
function rawPublic (rawKey: Uint8Array): VerifyPublicKeyInput {
  // a view, not a copy: Node's key inputs are typed as Buffer
  const key = Buffer.from(rawKey.buffer, rawKey.byteOffset, rawKey.byteLength)
  return { key, format: 'raw-public', asymmetricKeyType: 'ed25519' } as unknown as VerifyPublicKeyInput
}

/** The key as DER SubjectPublicKeyInfo, which every Node.js reads */
function spki (rawKey: Uint8Array): VerifyPublicKeyInput {
  const der = Buffer.allocUnsafe(SPKI_PREFIX.byteLength + rawKey.byteLength)
  der.set(SPKI_PREFIX)
  der.set(rawKey, SPKI_PREFIX.byteLength)
  return { key: der, format: 'der', type: 'spki' }
}

/**
 * The cheapest key input this Node.js reads (benchmarks/open-peer-record.ts, "key import"): `raw-public`
 * (Node.js 24) skips the DER decoder; Node.js 22 knows only DER and JWK, and DER needs no base64url string.
 * The key goes to `verify` as it is rather than through `createPublicKey`: no `KeyObject` is built for one use.
 */
function pickKeyInput (): (rawKey: Uint8Array) => VerifyPublicKeyInput {
  try {
    verify(null, SOME_KEY, rawPublic(SOME_KEY), new Uint8Array(64))
    return rawPublic
  } catch {
    return spki
  }
}

const keyInput = pickKeyInput()

/**
 * Node's crypto tells a `KeyObject` or a `CryptoKey` from other key input by catching the TypeError that
 * reading their private slots throws (`isKeyObject` and `isCryptoKey` in its crypto internals), four times
 * for an input object like ours, and most of a thrown error's cost is capturing its stack: without stacks
 * the key costs about a third as much (benchmarks/open-peer-record.ts). JavaScript runs nothing else until
 * `verify` returns, so the limit is back before any other code can throw. Where the limit cannot be set
 * (frozen intrinsics), the check runs as it is.
 */
function canDropStacks (): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')
  return descriptor?.writable === true && !Object.isFrozen(Error)
}

function verifyWithoutStacks (rawKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return verify(null, data, keyInput(rawKey), signature)
  } finally {
    Error.stackTraceLimit = limit
  }
}

/** Node's own Ed25519 (OpenSSL): the check `@libp2p/crypto` makes, without its JWK round trip */
export const verifyEd25519: Ed25519Verifier | undefined = canDropStacks()
  ? verifyWithoutStacks
  : (rawKey, data, signature) => verify(null, data, keyInput(rawKey), signature)
