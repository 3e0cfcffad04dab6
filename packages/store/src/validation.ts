import { MAX_FORMAT_BYTES, MAX_NAMESPACE_BYTES, MAX_PEER_ID_BYTES } from './constants.ts'
import { InvalidArgumentError, InvalidLimitError, InvalidNamespaceError, MalformedPeerIdError, InvalidPositionError, InvalidRegistrationError } from './errors.ts'
import type { Clock, CountByPeerOptions, DiscoverOptions, NewRegistration, SampleOptions, UpsertOptions } from './store.ts'

const encoder = new TextEncoder()

/** ASCII only, so its length in characters is its length in bytes */
const FORMAT_PATTERN = new RegExp(`^[a-z0-9-]{1,${MAX_FORMAT_BYTES}}$`)

/** Whether a value is a record format name: 1 to {@link MAX_FORMAT_BYTES} bytes of `[a-z0-9-]` */
export function isFormat (value: unknown): value is string {
  return typeof value === 'string' && FORMAT_PATTERN.test(value)
}

/**
 * Check a list of record formats to filter on: `undefined` (no filter) or an array of format names (it may
 * be empty, which matches nothing).
 *
 * @throws {InvalidArgumentError}
 */
export function validateFormats (formats: unknown): asserts formats is readonly string[] | undefined {
  if (formats === undefined) {
    return
  }

  if (!Array.isArray(formats)) {
    throw new InvalidArgumentError(`The formats must be an array of format names, got ${describe(formats)}`)
  }

  for (const format of formats) {
    if (!isFormat(format)) {
      throw new InvalidArgumentError(`A format must be 1 to ${MAX_FORMAT_BYTES} bytes of [a-z0-9-], got ${describe(format)}`)
    }
  }
}

/**
 * Check the options of `sample`.
 *
 * @throws {InvalidArgumentError}
 */
export function validateSampleOptions (options: SampleOptions | undefined): void {
  if (options === undefined) {
    return
  }

  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`The sample options must be an object, got ${describe(options)}`)
  }

  validateFormats(options.formats)
}

/**
 * Check the options of `upsert`: each limit is `undefined`, a non-negative safe integer, or `Infinity`.
 *
 * @throws {InvalidArgumentError}
 */
export function validateUpsertOptions (options: UpsertOptions | undefined): void {
  if (options === undefined) {
    return
  }

  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`The upsert options must be an object, got ${describe(options)}`)
  }

  for (const name of ['maxRegistrations', 'maxRegistrationsPerPeer'] as const) {
    const value: unknown = options[name]

    if (value !== undefined && value !== Number.POSITIVE_INFINITY && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer or Infinity, got ${describe(value)}`)
    }
  }
}

/**
 * Check the `clock` an adapter's factory was given: `undefined` (the adapter uses `Date.now`) or a function
 * returning milliseconds since the epoch.
 *
 * @throws {InvalidArgumentError}
 */
export function validateClock (clock: unknown): asserts clock is Clock | undefined {
  if (clock !== undefined && typeof clock !== 'function') {
    throw new InvalidArgumentError('The clock must be a function returning milliseconds since the epoch')
  }
}

/**
 * Check where an adapter's factory was told to keep its data (a path, a URL): a non-empty string.
 * `what` names it in the message, e.g. `'The path of the SQLite store'`.
 *
 * @throws {InvalidArgumentError}
 */
export function validateLocation (location: unknown, what: string): asserts location is string {
  if (typeof location !== 'string' || location === '') {
    throw new InvalidArgumentError(`${what} must be a non-empty string`)
  }
}

/**
 * The length of a string in bytes of UTF-8, without allocating. Callers check `isWellFormed()` first, so
 * every surrogate is part of a pair.
 */
export function utf8ByteLength (value: string): number {
  let bytes = 0

  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)

    if (code < 0x80) {
      bytes += 1
    } else if (code < 0x800) {
      bytes += 2
    } else if (code >= 0xd800 && code <= 0xdbff) {
      // a high surrogate and the low one after it: one code point, four bytes
      bytes += 4
      i++
    } else {
      bytes += 3
    }
  }

  return bytes
}

/**
 * Check a namespace: a well-formed string (no lone surrogates, which have no UTF-8 form and would not
 * survive a round trip through a persistent store) of 1 to {@link MAX_NAMESPACE_BYTES} bytes of UTF-8.
 *
 * @throws {InvalidNamespaceError}
 */
export function validateNamespace (namespace: unknown, what = 'namespace'): asserts namespace is string {
  if (typeof namespace !== 'string') {
    throw new InvalidNamespaceError(`The ${what} must be a string, got ${describe(namespace)}`)
  }

  if (namespace.length === 0) {
    throw new InvalidNamespaceError(`The ${what} must not be empty`)
  }

  if (!namespace.isWellFormed()) {
    throw new InvalidNamespaceError(`The ${what} contains a lone surrogate, which has no UTF-8 encoding`)
  }

  // a UTF-16 code unit is at most 3 bytes of UTF-8: short strings need no counting
  const bytes = namespace.length * 3 <= MAX_NAMESPACE_BYTES ? 0 : utf8ByteLength(namespace)

  if (bytes > MAX_NAMESPACE_BYTES) {
    throw new InvalidNamespaceError(`The ${what} is ${bytes} bytes of UTF-8, more than the ${MAX_NAMESPACE_BYTES} allowed`)
  }
}

/**
 * Check a peer ID string: well-formed, 1 to {@link MAX_PEER_ID_BYTES} bytes of UTF-8.
 *
 * @throws {MalformedPeerIdError}
 */
export function validatePeerId (peerId: unknown): asserts peerId is string {
  if (typeof peerId !== 'string') {
    throw new MalformedPeerIdError(`The peer ID must be a string, got ${describe(peerId)}`)
  }

  if (peerId.length === 0) {
    throw new MalformedPeerIdError('The peer ID must not be empty')
  }

  if (!peerId.isWellFormed()) {
    throw new MalformedPeerIdError('The peer ID contains a lone surrogate, which has no UTF-8 encoding')
  }

  const bytes = peerId.length * 3 <= MAX_PEER_ID_BYTES ? 0 : utf8ByteLength(peerId)

  if (bytes > MAX_PEER_ID_BYTES) {
    throw new MalformedPeerIdError(`The peer ID is ${bytes} bytes of UTF-8, more than the ${MAX_PEER_ID_BYTES} allowed`)
  }
}

/**
 * Check a limit: a non-negative safe integer (0 is allowed and asks for nothing).
 *
 * @throws {InvalidLimitError}
 */
export function validateLimit (limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    throw new InvalidLimitError(`The limit must be a non-negative integer, got ${describe(limit)}`)
  }
}

/**
 * Check a position to resume after: `undefined`, or a non-negative safe integer.
 *
 * @throws {InvalidPositionError}
 */
export function validatePosition (after: unknown): asserts after is number | undefined {
  if (after === undefined) {
    return
  }

  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) {
    throw new InvalidPositionError(`The position must be a non-negative integer, got ${describe(after)}`)
  }
}

/**
 * Check the options of `discover`.
 *
 * @throws {InvalidNamespaceError | InvalidLimitError | InvalidPositionError | InvalidArgumentError}
 */
export function validateDiscoverOptions (options: DiscoverOptions): void {
  if (options == null || typeof options !== 'object') {
    throw new InvalidLimitError(`The discover options must be an object with a limit, got ${describe(options)}`)
  }

  if (options.namespace !== undefined) {
    validateNamespace(options.namespace)
  }

  validatePosition(options.after)
  validateLimit(options.limit)
  validateFormats(options.formats)
}

/**
 * Check the options of `countByPeer`.
 *
 * @throws {MalformedPeerIdError | InvalidNamespaceError}
 */
export function validateCountByPeer (peerId: string, options?: CountByPeerOptions): void {
  validatePeerId(peerId)

  if (options?.excludeNamespace !== undefined) {
    validateNamespace(options.excludeNamespace, 'excluded namespace')
  }
}

/**
 * Check a registration handed to `upsert`.
 *
 * @throws {InvalidNamespaceError | MalformedPeerIdError | InvalidRegistrationError}
 */
export function validateNewRegistration (registration: NewRegistration): void {
  if (registration == null || typeof registration !== 'object') {
    throw new InvalidRegistrationError(`The registration must be an object, got ${describe(registration)}`)
  }

  validateNamespace(registration.namespace)
  validatePeerId(registration.peerId)

  const { signedPeerRecord, format, ttl, registeredAt, expiresAt } = registration

  if (!(signedPeerRecord instanceof Uint8Array)) {
    throw new InvalidRegistrationError(`The signed peer record must be a Uint8Array, got ${describe(signedPeerRecord)}`)
  }

  if (signedPeerRecord.byteLength === 0) {
    throw new InvalidRegistrationError('The signed peer record must not be empty')
  }

  if (!isFormat(format)) {
    throw new InvalidRegistrationError(`The record format must be 1 to ${MAX_FORMAT_BYTES} bytes of [a-z0-9-], got ${describe(format)}`)
  }

  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 0) {
    throw new InvalidRegistrationError(`The TTL must be a non-negative integer number of seconds, got ${describe(ttl)}`)
  }

  if (typeof registeredAt !== 'number' || !Number.isSafeInteger(registeredAt) || registeredAt < 0) {
    throw new InvalidRegistrationError(`The registration time must be a non-negative integer of milliseconds since the epoch, got ${describe(registeredAt)}`)
  }

  if (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt) || expiresAt < 0) {
    throw new InvalidRegistrationError(`The expiry must be a non-negative integer of milliseconds since the epoch, got ${describe(expiresAt)}`)
  }

  if (expiresAt < registeredAt) {
    throw new InvalidRegistrationError(`The expiry (${expiresAt}) is before the registration time (${registeredAt})`)
  }
}

/**
 * The bytes of UTF-8 of a string that passed {@link validateNamespace} or {@link validatePeerId}, for adapters
 * that build binary keys.
 */
export function utf8Encode (value: string): Uint8Array {
  return encoder.encode(value)
}

function describe (value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value)
  }

  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value == null) {
    return String(value)
  }

  return Object.prototype.toString.call(value)
}
