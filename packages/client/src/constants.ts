/** Every request to a point must be answered within this many milliseconds unless configured otherwise */
export const DEFAULT_REQUEST_TIMEOUT = 10_000

/** Registrations asked for per DISCOVER unless the caller sets a limit; the most any dialect returns */
export const DEFAULT_DISCOVER_LIMIT = 1000

/**
 * A refresh is sent this fraction of the granted TTL before it runs out, but never more than
 * {@link MAX_REFRESH_MARGIN} before: 4 s early for a 20 s TTL, 60 s early for a 2 h one.
 */
export const REFRESH_MARGIN_FRACTION = 0.2

/** Upper bound of the refresh margin, in milliseconds */
export const MAX_REFRESH_MARGIN = 60_000

/** First retry delay after a failed registration, in milliseconds */
export const DEFAULT_BACKOFF_INITIAL = 1_000

/** Longest retry delay after repeated failures, in milliseconds */
export const DEFAULT_BACKOFF_MAX = 300_000

/** Address changes often come in bursts (several listeners, then identify): wait this long before re-registering */
export const ADDRESS_CHANGE_DEBOUNCE = 250

/** How often discovery polls its points unless configured otherwise, in milliseconds */
export const DEFAULT_DISCOVERY_INTERVAL = 10_000

/** Connections discovery keeps to peers of its namespaces unless configured otherwise */
export const DEFAULT_TARGET_CONNECTIONS = 6

/** The most pages one discoverAll call fetches, so a point that keeps answering cannot hold it forever */
export const MAX_DISCOVER_PAGES = 1000

/** After a failed dial, discovery leaves the peer alone this long (doubling per failure) */
export const DIAL_BACKOFF_INITIAL = 5_000

/** Longest pause between dials of a peer that keeps failing */
export const DIAL_BACKOFF_MAX = 300_000

/** Most peers discovery remembers (per namespace) to tell new registrations from known ones */
export const MAX_KNOWN_PEERS = 10_000

/** Ms before following a namespace again after the stream failed, doubling per failure up to {@link FOLLOW_RETRY_MAX} */
export const FOLLOW_RETRY_INITIAL = 500

/** Longest wait before following a namespace again, in milliseconds */
export const FOLLOW_RETRY_MAX = 30_000

/**
 * On stop, UNREGISTER is sent to every point where this node is registered, but stopping never waits
 * longer than this for points that do not take it: a peer that leaves should not stay listed for a TTL,
 * and a slow point should not hold up its shutdown
 */
export const UNREGISTER_ON_STOP_TIMEOUT = 2_000

/** Ms a followed discovery waits after a pushed peer before dialing, to gather the peers pushed meanwhile */
export const FOLLOW_DIAL_DELAY = 250

/** Ms the client lingers for a point to close a finished stream before it resets it, unless configured otherwise */
export const DEFAULT_STREAM_LINGER = 5_000
