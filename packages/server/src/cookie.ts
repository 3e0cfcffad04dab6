import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { COOKIE_BYTES, COOKIE_MAC_BYTES, COOKIE_SECRET_MIN_BYTES, COOKIE_TAG, COOKIE_VERSION } from './constants.ts'
import { InvalidCookieError, InvalidServerConfigError } from './errors.ts'

/*
 * A cookie is `position (u64, big-endian, 8 bytes) ‖ "v1." ‖ base64url(MAC)` (33 bytes), where
 * MAC = HMAC-SHA256(secret, "rendezvous-cookie" ‖ version ‖ u16 length of namespace ‖ namespace ‖ position)
 * truncated to 16 bytes.
 *
 * The layout is what rust-libp2p clients can parse: they decode every cookie as an 8-byte id followed by a
 * UTF-8 namespace of at most 255 bytes (older releases: a 16-byte id), and fail the whole DISCOVER_RESPONSE
 * when they cannot. Everything after the first 8 bytes is therefore ASCII.
 *
 * The server keeps no state per cookie: the position is the store's, which persists, so a cookie outlives a
 * restart as long as the secret does. The namespace is in the MAC, so a cookie minted for one namespace is
 * refused for another (the empty namespace, "every namespace", is a namespace of its own here).
 */

const DOMAIN = new TextEncoder().encode('rendezvous-cookie')
const TAG = new TextEncoder().encode(COOKIE_TAG)
const encoder = new TextEncoder()

/** The MAC of a namespace and position, as the ASCII the cookie carries */
function mac (secret: Uint8Array, namespace: string, position: Uint8Array): Buffer {
  const ns = encoder.encode(namespace)
  const header = new Uint8Array(3)
  header[0] = COOKIE_VERSION
  header[1] = ns.byteLength >> 8
  header[2] = ns.byteLength & 0xff
  const digest = createHmac('sha256', secret)
    .update(DOMAIN)
    .update(header)
    .update(ns)
    .update(position)
    .digest()
    .subarray(0, COOKIE_MAC_BYTES)
  return Buffer.from(digest.toString('base64url'), 'ascii')
}

/** A fresh random cookie secret (32 bytes), for servers that do not persist one */
export function generateCookieSecret (): Uint8Array {
  return new Uint8Array(randomBytes(32))
}

/**
 * Check a cookie secret supplied by the operator.
 *
 * @throws {InvalidServerConfigError} when it is not a Uint8Array of at least 16 bytes
 */
export function validateCookieSecret (secret: unknown): asserts secret is Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.byteLength < COOKIE_SECRET_MIN_BYTES) {
    throw new InvalidServerConfigError(`cookieSecret must be a Uint8Array of at least ${COOKIE_SECRET_MIN_BYTES} bytes`)
  }
}

/**
 * Mint the cookie that resumes a discovery of `namespace` after `position`.
 *
 * @param secret - the server's HMAC key
 * @param namespace - the namespace of the DISCOVER (`''` for every namespace)
 * @param position - a store position: a non-negative safe integer
 */
export function mintCookie (secret: Uint8Array, namespace: string, position: number): Uint8Array {
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RangeError(`a cookie position must be a non-negative safe integer, got ${position}`)
  }
  const cookie = new Uint8Array(COOKIE_BYTES)
  const positionBytes = cookie.subarray(0, 8)
  new DataView(positionBytes.buffer, positionBytes.byteOffset, 8).setBigUint64(0, BigInt(position))
  cookie.set(TAG, 8)
  cookie.set(mac(secret, namespace, positionBytes), 8 + TAG.byteLength)
  return cookie
}

/**
 * Check a cookie and read the position it carries.
 *
 * @throws {InvalidCookieError} when the cookie is malformed, of an unknown version, altered, minted
 * with another secret, or minted for another namespace
 */
export function openCookie (secret: Uint8Array, namespace: string, cookie: Uint8Array): number {
  if (cookie.byteLength !== COOKIE_BYTES) {
    throw new InvalidCookieError(`a cookie is ${COOKIE_BYTES} bytes, this one is ${cookie.byteLength}`)
  }
  if (!timingSafeEqual(cookie.subarray(8, 8 + TAG.byteLength), TAG)) {
    throw new InvalidCookieError('not a cookie of this server\'s format')
  }
  const positionBytes = cookie.subarray(0, 8)
  const expected = mac(secret, namespace, positionBytes)
  if (!timingSafeEqual(expected, cookie.subarray(8 + TAG.byteLength))) {
    throw new InvalidCookieError('the cookie was not minted by this server for this namespace')
  }
  const position = new DataView(positionBytes.buffer, positionBytes.byteOffset, 8).getBigUint64(0)
  if (position > BigInt(Number.MAX_SAFE_INTEGER)) {
    // only a server with our secret could have minted it; still, never hand the store a lossy number
    throw new InvalidCookieError('the cookie position is out of range')
  }
  return Number(position)
}
