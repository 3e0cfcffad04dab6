/**
 * @packageDocumentation
 *
 * The storage interface of rendezvous points. A rendezvous point keeps signed registrations with an
 * expiry; a {@link RegistrationStore} holds them and answers the questions both protocol dialects ask:
 *
 * - `upsert`, `remove`, `removePeer`: register, refresh (a refresh moves a registration to the end of the order) and unregister; `upsert` enforces per-peer and global limits atomically when asked;
 * - `countByPeer`, `count`: per-peer and global counts;
 * - `discover`: live registrations of one namespace or all, after an opaque position, in the order of a per-store counter that never goes backwards (cookies of `/rendezvous/1.0.0`), optionally of some record formats only;
 * - `sample`: a uniform random subset of one namespace (`/vac/waku/rendezvous/0.0.1`), optionally of some record formats only;
 * - `expire`: delete what has expired, at a cost that grows with what expired.
 *
 * Adapters: `@rendezvous/store-memory`, `@rendezvous/store-level`, `@rendezvous/store-sqlite`. Each passes the
 * compliance suite exported as `@rendezvous/store/compliance`, and each is measured by the benchmark harness
 * exported as `@rendezvous/store/bench`. `docs/storage-adapters.md` in the repository shows how to write one.
 *
 * This package also exports what every adapter shares: typed errors (each with its own `name`), the
 * argument checks that raise them, and the limits they enforce.
 *
 * @example
 *
 * ```ts
 * import { memoryStore } from '@rendezvous/store-memory'
 *
 * const store = memoryStore()
 * const now = Date.now()
 * await store.upsert({
 *   namespace: 'chat',
 *   peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
 *   signedPeerRecord: envelopeBytes,
 *   format: 'standard',
 *   ttl: 7200,
 *   registeredAt: now,
 *   expiresAt: now + 7200 * 1000
 * })
 * const { registrations, position } = await store.discover({ namespace: 'chat', limit: 100, formats: ['standard'] })
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
export type {
  Clock,
  CountByPeerOptions,
  DiscoverOptions,
  DiscoverResult,
  NewRegistration,
  Registration,
  RegistrationStore,
  SampleOptions,
  UpsertOptions
} from './store.ts'

export type { RegistrationLimit } from './errors.ts'

export {
  RegistrationStoreError,
  InvalidArgumentError,
  InvalidNamespaceError,
  InvalidLimitError,
  InvalidPositionError,
  MalformedPeerIdError,
  InvalidRegistrationError,
  RegistrationLimitError,
  StoreClosedError,
  StoreFileError,
  CorruptStoreError,
  IncompatibleSchemaError
} from './errors.ts'

export {
  validateNamespace,
  validatePeerId,
  validateLimit,
  validatePosition,
  validateDiscoverOptions,
  validateCountByPeer,
  validateNewRegistration,
  validateFormats,
  validateSampleOptions,
  validateUpsertOptions,
  validateClock,
  validateLocation,
  isFormat,
  utf8ByteLength,
  utf8Encode
} from './validation.ts'

export { GuardedStore } from './guarded-store.ts'
export { bytesEqual, storedRegistration } from './registration.ts'

export { MAX_NAMESPACE_BYTES, MAX_PEER_ID_BYTES, MAX_FORMAT_BYTES, FIRST_POSITION } from './constants.ts'
