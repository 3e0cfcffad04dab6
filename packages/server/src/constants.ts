/** Cookie format version, part of the MAC and of the ASCII tag after the position */
export const COOKIE_VERSION = 1

/** Marks the format after the 8 position bytes; ASCII, so that rust-libp2p clients can parse the cookie */
export const COOKIE_TAG = 'v1.'

/** Bytes of the truncated HMAC-SHA256 in a cookie: 128 bits are beyond forging by guessing */
export const COOKIE_MAC_BYTES = 16

/** u64 position + tag + base64url of the MAC (22 characters for 16 bytes) */
export const COOKIE_BYTES = 8 + COOKIE_TAG.length + Math.ceil(COOKIE_MAC_BYTES * 4 / 3)

/** An HMAC key shorter than this is too easy to guess */
export const COOKIE_SECRET_MIN_BYTES = 16

/** The spec's recommendation (and rust-libp2p's default window) for `/rendezvous/1.0.0`, in seconds */
export const DEFAULT_TTL = 7200
export const DEFAULT_MIN_TTL = 7200
export const DEFAULT_MAX_TTL = 72 * 3600

/** The largest TTL an operator may allow (about 136 years): expiry times in ms stay exact integers */
export const MAX_TTL = 2 ** 32 - 1

/** The spec recommends at most 1000 registrations per peer and 1000 per DISCOVER */
export const DEFAULT_MAX_REGISTRATIONS_PER_PEER = 1000
export const DEFAULT_MAX_DISCOVER_LIMIT = 1000

/** Per connection: a client needs one stream per concurrent request; more is abuse */
export const DEFAULT_MAX_INBOUND_STREAMS = 16

/**
 * A request must arrive complete within this many ms of its first byte (or of the stream opening, for the
 * first request). A REGISTER is at most a few KiB: anything slower is a peer dripping bytes to hold a slot.
 */
export const DEFAULT_STREAM_TIMEOUT = 10_000

/**
 * How long a stream may wait, after an answer, for the first byte of its next request. Above two minutes
 * because go-waku-rendezvous's DiscoverAsync reuses one stream with a DISCOVER every 2 minutes.
 */
export const DEFAULT_IDLE_TIMEOUT = 150_000

/**
 * Requests a peer may send ahead of their answers, counted in `maxRequestBytes`: enough for any client that
 * pipelines a few requests, bounded so that a peer cannot make the server queue its input without limit
 */
export const PIPELINE_FRAMES = 4

/** Entries of the verified-envelope cache: about 200 bytes each */
export const DEFAULT_VERIFICATION_CACHE_SIZE = 10_000

/** How often expired registrations are deleted, in ms; reads never return them in between */
export const DEFAULT_EXPIRY_INTERVAL = 60_000

/** How long `stop()` waits for requests in flight before aborting their streams, in ms */
export const DEFAULT_SHUTDOWN_TIMEOUT = 5_000

/** The text of every E_INTERNAL_ERROR: the detail goes to the log, never to a peer */
export const INTERNAL_ERROR_TEXT = 'internal error'

/** Bytes a DISCOVER_RESPONSE needs besides its registrations (type, status, text, cookie, their tags) */
export const DISCOVER_RESPONSE_OVERHEAD = 128

/** Bytes one registration adds to a DISCOVER_RESPONSE besides its envelope and namespace (tags, lengths, ttl) */
export const REGISTRATION_OVERHEAD = 32

/**
 * Agent-version prefixes whose peers read only some record formats: rust-libp2p's default agent version
 * is `rust-libp2p/<version>`, and its rendezvous codec reads only its legacy record format
 */
export const AGENT_RECORD_FORMATS: ReadonlyArray<readonly [string, readonly string[]]> = [['rust-libp2p/', ['rust-legacy']]]

/** Peers whose registered record formats the point remembers for serving their DISCOVERs (about 100 bytes each) */
export const REQUESTER_FORMATS_MEMORY = 100_000
/** Peers remembered as asked for their agent version over identify (each is asked once while remembered) */
export const IDENTIFY_ON_DEMAND_MEMORY = 100_000
/** Ms a point waits for a peer to answer identify before serving it as a peer that says nothing about itself */
export const IDENTIFY_ON_DEMAND_TIMEOUT = 5_000

/** Signed peer records longer than this are refused (see `maxRecordBytes`) */
export const DEFAULT_MAX_RECORD_BYTES = 4096

/** {@link ConnectionGuard} defaults: see its init */
export const DEFAULT_GUARD_MAX_CONNECTIONS = 4096
export const DEFAULT_MAX_PENDING_PER_IP = 8
export const DEFAULT_MAX_UNPROVEN_PER_IP = 8
export const DEFAULT_CONNECTION_IDLE_TIMEOUT = 30_000

/** How often the guard looks for idle connections, at most */
export const GUARD_SWEEP_INTERVAL = 1_000

/** DISCOVER answer bytes one peer may be sent per second, and at once (a full page of 1000 registrations of about 4 KiB) */
export const DEFAULT_DISCOVER_BYTES_PER_SECOND = 1024 * 1024
export const DEFAULT_DISCOVER_BURST_BYTES = 4 * 1024 * 1024

/** Peers whose DISCOVER budget is remembered at most (a bucket is about 100 bytes) */
export const DISCOVER_BUDGET_MEMORY = 100_000

/** Federation (docs/federation.md): the gossipsub topic of a federation is this prefix and its name */
export const FEDERATION_TOPIC_PREFIX = '/rendezvous/federation/1.0.0/'
/** Ms between attempts to reconnect to configured federation peers that are not connected */
export const DEFAULT_FEDERATION_REDIAL_INTERVAL = 5_000
/** Ms a federated registration may claim to be granted in the future of this point's clock */
export const DEFAULT_FEDERATION_MAX_CLOCK_SKEW = 30_000
/** Unregistrations remembered, so that a member that missed one cannot bring the registration back */
export const DEFAULT_FEDERATION_MAX_UNREGISTRATIONS = 100_000
/** Registrations per sync page */
export const FEDERATION_SYNC_PAGE = 500
/** The largest sync frame read: a page of the largest records */
export const FEDERATION_SYNC_MAX_FRAME_BYTES = 8 * 1024 * 1024
/** Ms a whole sync exchange may take */
export const FEDERATION_SYNC_TIMEOUT = 60_000
/** Pages one sync answer holds at most (5 million registrations): bounds the loop whatever the store does */
export const FEDERATION_SYNC_MAX_PAGES = 10_000
/** Ms between passes that forget expired registrations and old unregistrations */
export const FEDERATION_SWEEP_INTERVAL = 60_000
/** Federated registrations verified and stored at once during a sync */
export const FEDERATION_SYNC_CONCURRENCY = 64

/** Follow (docs/protocol.md, "Follow"): followers served at once */
export const DEFAULT_MAX_FOLLOWERS = 10_000
/** Events queued for one follower that does not read; past it, its stream is aborted (it resumes with its cookie) */
export const FOLLOW_MAX_QUEUED_EVENTS = 1_024
/** The largest follow request read */
export const FOLLOW_MAX_REQUEST_BYTES = 2_048
/** Registrations per backlog event */
export const FOLLOW_BACKLOG_PAGE = 200
