/**
 * A registration as a rendezvous point keeps it: the exact signed envelope a peer sent,
 * under one namespace, until it expires.
 */
export interface Registration {
  /** The namespace, 1 to 255 bytes of UTF-8 */
  namespace: string

  /** The registering peer's ID as a string (base58btc multihash, as `PeerId.toString()` gives it) */
  peerId: string

  /** The signed envelope bytes exactly as received: they are served back byte for byte */
  signedPeerRecord: Uint8Array

  /**
   * The record format of `signedPeerRecord` (e.g. `'standard'`, `'rust-legacy'`, `'waku'`): 1 to 32 bytes of
   * `[a-z0-9-]`. The store does not interpret it; it keeps it and filters on it, so a rendezvous point
   * serves each requester only the formats it can read.
   */
  format: string

  /** The TTL granted to the peer, in seconds */
  ttl: number

  /** When the registration was made (ms since the epoch, from the store's clock as seen by the caller) */
  registeredAt: number

  /** When the registration stops being live (ms since the epoch): it is live while `now < expiresAt` */
  expiresAt: number

  /**
   * Its place in the store's order: a per-store counter that only grows, also across restarts.
   * A refresh takes a new, higher position.
   */
  position: number
}

/** What a caller hands to {@link RegistrationStore.upsert}: the store assigns the position */
export type NewRegistration = Omit<Registration, 'position'>

export interface CountByPeerOptions {
  /** Leave this namespace out of the count (a refresh of it must not count against a per-peer limit) */
  excludeNamespace?: string
}

export interface DiscoverOptions {
  /** One namespace, or `undefined` for every namespace */
  namespace?: string

  /** Return only registrations whose position is greater than this; 0 or `undefined` starts at the beginning */
  after?: number

  /** At most this many registrations (0 is allowed and returns none) */
  limit: number

  /**
   * Only registrations whose `format` is one of these; `undefined` for every format. An empty list
   * returns none. Paging with a filter is exact: `position` is still that of the last registration
   * returned (or `after` when none was), so passing it back neither repeats nor skips a matching one.
   */
  formats?: readonly string[]
}

export interface SampleOptions {
  /** Sample only among the registrations whose `format` is one of these; `undefined` for every format. An empty list returns none */
  formats?: readonly string[]
}

export interface UpsertOptions {
  /**
   * Refuse a new registration (not a refresh of a live one) when the store already holds this many live
   * registrations: the upsert rejects with `RegistrationLimitError` (`limit: 'store'`) and changes nothing.
   * A non-negative integer or `Infinity` (the default).
   */
  maxRegistrations?: number

  /**
   * Refuse a new registration (not a refresh of a live one) when its peer already holds this many live
   * registrations: the upsert rejects with `RegistrationLimitError` (`limit: 'peer'`) and changes nothing.
   * Checked before `maxRegistrations`. A non-negative integer or `Infinity` (the default).
   */
  maxRegistrationsPerPeer?: number
}

export interface DiscoverResult {
  /** Live registrations in ascending position order */
  registrations: Registration[]

  /**
   * The position to resume from: the position of the last registration returned, or `after`
   * (or 0) when none was returned. Passing it back as `after` continues where this left off.
   */
  position: number
}

/**
 * The storage behind a rendezvous point. Every adapter (memory, LevelDB, SQLite, yours) implements it
 * and passes the compliance suite in `@rendezvous/store/compliance`.
 *
 * Reads never return an expired registration (`expiresAt <= now`, where `now` comes from the store's
 * injected clock), whether or not {@link RegistrationStore.expire} has run yet. Reads do not delete
 * anything either: only `expire`, `remove`, `removePeer` and a refresh do.
 *
 * Every method reports failure by rejecting its promise, never by throwing synchronously: arguments out
 * of range reject with the typed errors of this package (`InvalidNamespaceError`, `InvalidLimitError`,
 * `InvalidPositionError`, `MalformedPeerIdError`, `InvalidRegistrationError`, `InvalidArgumentError`) and change
 * nothing, as does an upsert refused with `RegistrationLimitError`; after
 * `close`, every method but `close` rejects with `StoreClosedError`.
 *
 * Positions are positive safe integers; the first one a fresh store gives out is 1 or more, so an `after`
 * of 0 means "from the start". A store keeps its own copy of each envelope (changing the caller's array
 * after `upsert` changes nothing); the registrations it returns may be shared or frozen, so callers treat
 * them as read-only.
 */
export interface RegistrationStore {
  /**
   * Insert or replace the registration for (namespace, peerId). A replacement takes a new position at
   * the end of the order. Resolves once the write is durable (for persistent adapters).
   *
   * With `options`, a new registration (the (namespace, peerId) has no live one) is refused with
   * `RegistrationLimitError` when its peer, or the store, already holds as many live registrations as
   * allowed; a refresh of a live one is always accepted. The check and the write are atomic: concurrent
   * upserts never take the store or a peer past a limit.
   */
  upsert (registration: NewRegistration, options?: UpsertOptions): Promise<Registration>

  /** Remove the registration of one peer in one namespace; resolves `true` if one was there */
  remove (namespace: string, peerId: string): Promise<boolean>

  /** Remove every registration of one peer; resolves how many were removed */
  removePeer (peerId: string): Promise<number>

  /** Count the live registrations of one peer */
  countByPeer (peerId: string, options?: CountByPeerOptions): Promise<number>

  /** Live registrations after a position, in position order, optionally of some formats only */
  discover (options: DiscoverOptions): Promise<DiscoverResult>

  /**
   * A uniform random sample of at most `limit` live registrations of one namespace (of the listed formats,
   * if `options.formats` is given), without repeats
   */
  sample (namespace: string, limit: number, options?: SampleOptions): Promise<Registration[]>

  /** Delete every registration whose expiry has passed; resolves how many were deleted */
  expire (): Promise<number>

  /** The number of live registrations */
  count (): Promise<number>

  /** Release the backend; the store must not be used afterwards. Closing a closed store resolves */
  close (): Promise<void>
}

/** Milliseconds since the epoch; stores take one so tests can control time */
export type Clock = () => number
