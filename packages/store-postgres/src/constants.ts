/** The PostgreSQL schema the store keeps its tables in unless told otherwise */
export const DEFAULT_SCHEMA = 'rendezvous'

/** Names of schemas this code accepts: plain lower-case identifiers, so they never need quoting rules */
export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Connections in each store's pool. Every write takes the store's lock (see schema.ts), so more
 * connections only add readers: `discover`, `sample` and the counts run beside the one write in progress.
 */
export const DEFAULT_POOL_SIZE = 10

/** How long an operation waits for a connection before it rejects with `StoreUnavailableError` */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000

/**
 * How long an operation waits for the database's answer before it rejects with `StoreUnavailableError`
 * and its connection is dropped: a database that hangs, or a network that drops packets without closing
 * connections, would otherwise keep a REGISTER waiting until TCP gives up (many minutes). Long enough for
 * the slowest legitimate wait: a write queued behind a chunk of expiry that renumbers a large namespace.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000

/**
 * The first key of the two-key advisory locks this store takes (`pg_advisory_xact_lock(int4, int4)`); the
 * second is a hash of the schema name, so stores in different schemas do not wait for each other. Spells
 * "RDVZ" in ASCII; other software using two-key advisory locks in the same database would have to pick
 * the same first key by chance to collide.
 */
export const LOCK_CLASS = 0x5244565a

/** The second lock key of the migration lock, for every schema: migrations of any schema are serialised */
export const MIGRATION_LOCK = 0

/**
 * Below this many slots (live and expired registrations plus holes) in a namespace, `sample` reads the
 * whole namespace instead of drawing slots: the `limit` times this factor, plus a constant, keeps the
 * rejection loop for large namespaces only.
 */
export const SAMPLE_SCAN_FACTOR = 4
export const SAMPLE_SCAN_EXTRA = 64

/**
 * Upserts sent in one transaction at most. While one write is in flight, the upserts that arrive wait and
 * then go together: one lock, one commit, one flush of the WAL for all of them.
 */
export const MAX_UPSERT_BATCH = 256

/**
 * Expired registrations deleted per transaction by `expire()`. Each chunk holds the store's lock (every
 * write of the fleet waits for it) for a few tens of milliseconds instead of the whole expiry.
 */
export const EXPIRE_CHUNK = 5_000

/** More chunks than this in one `expire()` call (50 million registrations) and it stops; the next call goes on */
export const MAX_EXPIRE_CHUNKS = 10_000

/**
 * Queries of `discover` in one namespace a store has in flight at most; the discovers that arrive while
 * that many are in flight wait and then go together, up to MAX_PAGES_PER_READ in one query (page-reads.ts).
 * A few queries in flight keep the database's cores busy; more would only split the waiting discovers into
 * more queries, each with its fixed cost.
 */
export const MAX_PAGE_READS_IN_FLIGHT = 4

/** Discovers sent in one query at most */
export const MAX_PAGES_PER_READ = 32

/**
 * The longest chunk (a row's part of a page, in base64: schema.ts) that the covering index of pages in a
 * namespace holds (schema version 4). A B-tree entry holds at most 2,704 bytes; with the other columns
 * of the entry (a namespace of up to 255 bytes, escaped to at most 510, a format of up to 32, two
 * bigints) 2,000 characters keep it under that. That is an envelope of about 1,400 bytes; rows with
 * larger ones are read from the table. Part of the schema: the index and the page queries both name it.
 */
export const MAX_COVERED_CHUNK = 2_000
