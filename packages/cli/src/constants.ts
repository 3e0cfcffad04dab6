/** Where the daemon keeps its identity, cookie secret and store when `--data-dir` is not given */
export const DEFAULT_DATA_DIR = './rendezvous-data'

/** TCP on port 8000 and WebSocket on port 8001, on every IPv4 interface */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/8000', '/ip4/0.0.0.0/tcp/8001/ws']

/** The embedded store used when `--store` is not given */
export const DEFAULT_STORE = 'sqlite'

/**
 * The server's defaults, one copy of each: the TTL window of the dialects whose window is the operator's
 * (2 h to 72 h, 2 h when a REGISTER names none), registrations per peer, registrations per DISCOVER
 */
export {
  DEFAULT_MIN_TTL, DEFAULT_MAX_TTL, DEFAULT_TTL as DEFAULT_DEFAULT_TTL, DEFAULT_MAX_REGISTRATIONS_PER_PEER, DEFAULT_MAX_DISCOVER_LIMIT
} from '@rendezvous/server'

/** Live registrations across all peers; over it REGISTER answers E_UNAVAILABLE */
export const DEFAULT_MAX_REGISTRATIONS = 1_000_000

/**
 * Most open connections. libp2p's default (300) suits an ordinary node; a rendezvous point is dialled by
 * every peer that registers or discovers, and each connection costs little while idle. Above it the
 * server's connection guard prunes idle connections rather than refusing new peers.
 */
export { DEFAULT_GUARD_MAX_CONNECTIONS as DEFAULT_MAX_CONNECTIONS } from '@rendezvous/server/internal'

/**
 * Seconds an inbound connection may take to finish its handshake (Noise and muxer negotiation). libp2p's
 * default is much longer; a short deadline frees a slot held by a peer that drips bytes.
 */
export const DEFAULT_HANDSHAKE_TIMEOUT = 5

/**
 * New inbound connections accepted per second from one IP address. libp2p's default of 5 throttles
 * many peers behind one NAT (or a local demo) into connection resets; 50 still stops one host from
 * flooding the point.
 */
export const DEFAULT_CONNECTION_RATE_PER_IP = 50

/**
 * Inbound connections still being upgraded (Noise handshake, muxer negotiation) at once. libp2p's default
 * of 10 makes a burst of registering peers wait on each other; each pending upgrade is bounded by
 * libp2p's own upgrade timeout.
 */
export const MAX_PENDING_INBOUND_CONNECTIONS = 100

/** The identity key in the data directory: a protobuf-encoded libp2p private key, mode 0600 */
export const IDENTITY_FILE = 'identity.key'

/** The cookie secret in the data directory: {@link COOKIE_SECRET_BYTES} random bytes, mode 0600 */
export const COOKIE_SECRET_FILE = 'cookie-secret'

/** The SQLite store's database file in the data directory */
export const SQLITE_FILE = 'registrations.sqlite'

/** The LevelDB store's directory in the data directory */
export const LEVEL_DIR = 'registrations.leveldb'

/** Bytes of the HMAC key that authenticates `/rendezvous/1.0.0` cookies */
export const COOKIE_SECRET_BYTES = 32

/** A graceful stop that takes longer than this ends the process anyway, with exit code 1 */
export const SHUTDOWN_TIMEOUT_MS = 10_000

/** The exit code for bad flags and everything else found before the daemon runs */
export const EXIT_USAGE = 2

/** The lock file in the data directory: the process ID of the daemon using it */
export const LOCK_FILE = 'daemon.lock'

/** The daemon logs warnings, errors and a sample of requests unless told otherwise */
export const DEFAULT_LOG_LEVEL = 'info'

/** At `--log-level info`, most request lines written per second; the rest are counted in a summary line */
export const REQUEST_LOG_LINES_PER_SECOND = 20

/** Where `rendezvous status` looks for a daemon's admin server unless told otherwise; the docs' examples start it there */
export const DEFAULT_ADMIN = '127.0.0.1:8002'

/** Registrations read per store page when counting namespaces */
export const CENSUS_PAGE = 1000

/** The namespace count stops after this many registrations, and says so */
export const CENSUS_MAX_REGISTRATIONS = 200_000

/** A namespace count is reused for this long (status page refreshes, metric scrapes) */
export const CENSUS_MAX_AGE_MS = 1000

/** Namespaces that get their own label in the per-namespace metrics; the rest are summed under `(other)` */
export const METRIC_TOP_NAMESPACES = 20

/** The label value the namespaces beyond the top ones are summed under */
export const OTHER_NAMESPACES_LABEL = '(other)'

/** Most namespaces or registrations one admin API page holds */
export const ADMIN_MAX_PAGE = 500

/** How long `rendezvous status` waits for the admin server */
export const STATUS_TIMEOUT_MS = 5000

/** Connections each point (each worker) keeps to the PostgreSQL store */
export const DATABASE_POOL_SIZE = 10

/**
 * The session advisory lock whose holder runs expiry for the whole fleet: the store's lock class
 * (0x5244565a, `RDVZ`) is the store's own; this one is `RDVE`, key 1
 */
export const EXPIRY_LEADER_LOCK = { classId: 0x52445645, objectId: 1 } as const

/** A worker that dies this soon after it started is not restarted again and again: the primary gives up */
export const WORKER_MIN_UPTIME_MS = 5_000

/** Restarts of workers that died young, in a row, before the primary gives up and stops every worker */
export const WORKER_MAX_QUICK_RESTARTS = 5

/** How long the primary waits for its workers to listen */
export const WORKER_START_TIMEOUT_MS = 60_000

/** js-libp2p's connection monitor, when `--ping-interval` turns it on instead of the Yamux pings, pings every connection this often by default, in seconds */
export const LIBP2P_PING_INTERVAL = 10

/**
 * Seconds between two Yamux pings of one connection unless `--liveness-interval` says otherwise: Yamux's own
 * keep-alive interval, so that one ping frame every 30 s is all an idle connection costs
 */
export const DEFAULT_LIVENESS_INTERVAL = 30

/** Seconds a Yamux ping may wait for its answer before the point closes the connection */
export const DEFAULT_LIVENESS_TIMEOUT = 10

/**
 * Peers the point's peer store keeps at most (`--peer-store-limit`): about 300 bytes each, so 30 MB at most,
 * and far more than the connections a point holds at once (the least recently heard-from go first;
 * peer-store-datastore.ts)
 */
export const DEFAULT_PEER_STORE_LIMIT = 100_000

/**
 * REGISTERs of fresh envelopes a point takes at a throwaway point of its own stack before it listens
 * (`--warm-up`): enough for V8 to compile the REGISTER path, so the first storm after a restart costs about
 * what a warm process pays (docs/performance.md, "What was changed": the first 1,000 REGISTERs about 1.2
 * times cheaper per CPU-second, 1,000 warm-up REGISTERs gained half as much), for about 3 s of start-up on
 * a 2-core machine; the heap it grew is given back afterwards
 */
export const DEFAULT_WARM_UP = 2000

/** Throwaway clients the warm-up registers from, each on one connection */
export const WARM_UP_CLIENTS = 8

/** Milliseconds the warm-up may take before the daemon gives up starting (it is seconds on a busy 2-core machine) */
export const WARM_UP_TIMEOUT = 60_000
