/** Where the daemon keeps its identity, cookie secret and store when `--data-dir` is not given */
export const DEFAULT_DATA_DIR = './rendezvous-data'

/** TCP on port 8000 and WebSocket on port 8001, on every IPv4 interface */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/8000', '/ip4/0.0.0.0/tcp/8001/ws']

/** The embedded store used when `--store` is not given */
export const DEFAULT_STORE = 'sqlite'

/** `/rendezvous/1.0.0` TTL window in seconds, as the libp2p specification recommends */
export const DEFAULT_MIN_TTL = 7200
export const DEFAULT_MAX_TTL = 72 * 3600
export const DEFAULT_DEFAULT_TTL = 7200

/** Registrations one peer may hold at once (libp2p specification) */
export const DEFAULT_MAX_REGISTRATIONS_PER_PEER = 1000

/** Live registrations across all peers; over it REGISTER answers E_UNAVAILABLE */
export const DEFAULT_MAX_REGISTRATIONS = 1_000_000

/** Most registrations one DISCOVER answer carries (libp2p specification) */
export const DEFAULT_MAX_DISCOVER_LIMIT = 1000

/** File names inside the data directory */
export const IDENTITY_FILE = 'identity.key'
export const COOKIE_SECRET_FILE = 'cookie-secret'
export const SQLITE_FILE = 'registrations.sqlite'
export const LEVEL_DIR = 'registrations.leveldb'

/** Bytes of the HMAC key that authenticates `/rendezvous/1.0.0` cookies */
export const COOKIE_SECRET_BYTES = 32

/** A graceful stop that takes longer than this ends the process anyway, with exit code 1 */
export const SHUTDOWN_TIMEOUT_MS = 10_000

/** The exit code for bad flags and everything else found before the daemon runs */
export const EXIT_USAGE = 2
