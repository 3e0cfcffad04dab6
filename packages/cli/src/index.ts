/**
 * @packageDocumentation
 *
 * The rendezvous daemon: `rendezvous serve` runs a complete rendezvous point for libp2p
 * (`/rendezvous/1.0.0`) and Waku (`/vac/waku/rendezvous/0.0.1`) peers on TCP and WebSocket, with noise,
 * yamux, identify and ping, on an embedded store (SQLite by default, LevelDB or memory). Its identity key
 * and cookie secret live in the data directory, so its peer ID and the cookies it hands out survive
 * restarts. `docs/server.md` in the repository describes every flag.
 *
 * ```sh
 * npx rendezvous serve --listen /ip4/0.0.0.0/tcp/8000 --metrics 127.0.0.1:9090
 * ```
 *
 * The same from code:
 *
 * @example
 *
 * ```TypeScript
 * import { parseConfig, startDaemon } from '@rendezvous/cli'
 *
 * const config = parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory'], process.env)
 * const daemon = await startDaemon(config)
 * console.info(daemon.peerId, daemon.multiaddrs)
 * await daemon.stop()
 * ```
 */

// first: refuses Node.js older than 22.18 before any dependency can crash on it
import './node-version.ts'
export { startDaemon } from './daemon.ts'
export type { Daemon, DaemonServices, DaemonHooks } from './daemon.ts'
export { parseConfig, parseCommandLine, helpText, FLAGS } from './config.ts'
export type { DaemonConfig, Command, Environment, FlagSpec, StoreKind, DialectName, MetricsAddress, LogLevel } from './config.ts'
export { LOG_LEVELS } from './config.ts'
export { startAdminServer } from './admin-server.ts'
export type { AdminServer } from './admin-server.ts'
export type { PointStatus, NamespaceStatus, RegistrationView } from './point-status.ts'
export { logRequests } from './request-log.ts'
export type { RequestLine } from './request-log.ts'
export { runCli } from './cli.ts'
export { RELAY_NAMESPACE, RELAY_FLAGS, DEFAULT_RELAY_MAX_RESERVATIONS, DEFAULT_RELAY_RESERVATION_TTL, DEFAULT_RELAY_DURATION_LIMIT, DEFAULT_RELAY_DATA_LIMIT } from './relay-config.ts'
export type { RelayConfig } from './relay-config.ts'
export { RelayAdvertisement, relayService } from './relay.ts'
export { TLS_FLAGS, loadTls, isSecureWebSocket } from './tls.ts'
export { DATABASE_FLAGS, maskDatabaseUrl } from './postgres-store.ts'
export { WORKER_FLAGS } from './workers.ts'
export { ExpiryLeader } from './expiry-leader.ts'
export type { TlsConfig, TlsMaterial } from './tls.ts'
export type { RelayAdvertisementInit } from './relay.ts'
export { createOutput } from './output.ts'
export type { Output, OutputStreams, ListeningInfo } from './output.ts'
export { DaemonError, InvalidFlagError, DataDirError, KeyFileError, AddressInUseError, StoreOpenError, TlsFileError, DataDirLockedError, PeerUnresponsiveError } from './errors.ts'
export {
  DEFAULT_DATA_DIR, DEFAULT_LISTEN, DEFAULT_STORE, DEFAULT_MIN_TTL, DEFAULT_MAX_TTL, DEFAULT_DEFAULT_TTL,
  DEFAULT_MAX_REGISTRATIONS_PER_PEER, DEFAULT_MAX_REGISTRATIONS, DEFAULT_MAX_DISCOVER_LIMIT, IDENTITY_FILE,
  COOKIE_SECRET_FILE, SQLITE_FILE, LEVEL_DIR, EXIT_USAGE, LOCK_FILE, DEFAULT_ADMIN, DEFAULT_LOG_LEVEL
} from './constants.ts'
