import { isAbsolute, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { DIALECTS, dialect as lookUpDialect } from '@rendezvous/codec'
import {
  DEFAULT_CONNECTION_IDLE_TIMEOUT, DEFAULT_DISCOVER_BYTES_PER_SECOND, DEFAULT_MAX_PENDING_PER_IP, DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_MAX_UNPROVEN_PER_IP, resolveFederation
} from '@rendezvous/server/internal'
import {
  DEFAULT_ADMIN, DEFAULT_CONNECTION_RATE_PER_IP, DEFAULT_DATA_DIR, DEFAULT_LOG_LEVEL, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_DEFAULT_TTL, DEFAULT_LISTEN, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_DISCOVER_LIMIT, DEFAULT_MAX_REGISTRATIONS,
  DEFAULT_MAX_REGISTRATIONS_PER_PEER, DEFAULT_MAX_TTL, DEFAULT_MIN_TTL, DEFAULT_PEER_STORE_LIMIT, DEFAULT_STORE, DEFAULT_WARM_UP, LIBP2P_PING_INTERVAL
} from './constants.ts'
import { formatDuration } from './duration.ts'
import { InvalidFlagError } from './errors.ts'
import { LIVENESS_FLAGS, readLivenessConfig } from './liveness-config.ts'
import { DATABASE_FLAGS, readDatabaseUrl } from './postgres-store.ts'
import { RELAY_FLAGS, readRelayConfig } from './relay-config.ts'
import { TLS_FLAGS, readTlsConfig } from './tls.ts'
import { WORKER_FLAGS, checkWorkersFeatures, readWorkers } from './workers.ts'
import type { RelayConfig } from './relay-config.ts'
import type { TlsConfig } from './tls.ts'

/** The registration stores the daemon can embed */
export type StoreKind = 'memory' | 'level' | 'sqlite' | 'postgres'

/** A dialect's name in the codec's registry: `rendezvous/1.0.0`, `waku/1.0.0`, `waku/0.0.1` */
export type DialectName = string

/** How much the daemon logs, least first */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug'

/** Every log level, least first */
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug']

/** A `host:port` the Prometheus endpoint or the admin server binds to */
export interface MetricsAddress {
  host: string
  port: number
}

/** Everything `rendezvous serve` needs to run, after flags, environment and defaults are merged */
export interface DaemonConfig {
  /** Multiaddrs to listen on: `/ip4|ip6/<host>/tcp/<port>` with an optional `/ws` */
  listen: string[]
  /** Which store keeps registrations */
  store: StoreKind
  /** With `--store postgres`: the database URL (it may hold a password: never print it, see `maskDatabaseUrl`) */
  databaseUrl?: string
  /** Worker processes sharing the listening sockets and the peer ID (`--workers`); above 1 only with postgres */
  workers: number
  /** Absolute path of the directory holding the identity key, cookie secret and store */
  dataDir: string
  /** Which protocols to serve, at least one */
  dialects: DialectName[]
  /** `/rendezvous/1.0.0` TTL window, in seconds */
  minTtl: number
  maxTtl: number
  defaultTtl: number
  /** Registrations one peer may hold at once */
  maxRegistrationsPerPeer: number
  /** Live registrations across all peers */
  maxRegistrations: number
  /** Most registrations one DISCOVER answer carries */
  maxDiscoverLimit: number
  /** Most open connections */
  maxConnections: number
  /** New inbound connections accepted per second from one IP address */
  connectionRatePerIp: number
  /** Seconds an inbound connection may take to finish its handshake */
  handshakeTimeout: number
  /** Inbound handshakes in progress at once from one IP address */
  maxHandshakesPerIp: number
  /** Open connections from one IP address that have not opened a stream yet */
  maxIdleConnectionsPerIp: number
  /** Seconds a connection may go without any stream before the point closes it */
  idleConnectionTimeout: number
  /** Largest signed peer record accepted, in bytes */
  maxRecordBytes: number
  /** DISCOVER answer bytes one peer may be sent per second */
  discoverBytesPerSecond: number
  /** Peers the libp2p peer store keeps at most, the least recently heard-from dropped first */
  peerStoreLimit: number
  /** REGISTERs taken at a throwaway point of the same stack before listening, to compile the REGISTER path; 0: none */
  warmUp: number
  /** With `--relay`: run a circuit relay v2 server with these limits, registered at this point under `RELAY_NAMESPACE` */
  relay?: RelayConfig
  /** With `--tls-cert` and `--tls-key`: the certificate of the `/tls/ws` (wss) listen addresses */
  tls?: TlsConfig
  /** Where to serve Prometheus `/metrics`, if anywhere */
  metrics?: MetricsAddress
  /** Multiaddrs peers are told to dial instead of the listen addresses; empty: the listen addresses */
  announce: string[]
  /** How much the daemon logs: `info` adds one line per request (rate-limited), `debug` every request */
  logLevel: LogLevel
  /** Where to serve the status page and JSON status API, if anywhere */
  admin?: MetricsAddress
  /** One JSON object per output line instead of text for people */
  json: boolean
  /**
   * `--ping-interval`, seconds: js-libp2p's connection monitor (a ping stream per connection) pings every
   * connection this often, instead of the Yamux ping check of `livenessInterval`
   */
  pingInterval?: number
  /** `--liveness-interval`, seconds: every connection gets a Yamux ping frame this often (unset: 30 s; not with `pingInterval`) */
  livenessInterval?: number
  /** `--liveness-timeout`, seconds: a connection whose Yamux ping is not answered this soon is closed (unset: 10 s) */
  livenessTimeout?: number
  /**
   * `--identify-every-connection`: identify every peer as it connects (js-libp2p's default) instead of asking
   * only the requesters whose agent version the point needs; always so with `federation` or `relay`
   */
  identifyEveryConnection?: boolean
  /**
   * Each TCP socket's writes of one event-loop iteration leave as one writev (`coalesceSocketWrites`): on
   * unless `false` (`--no-coalesce-writes`)
   */
  coalesceWrites?: boolean
  /** With `--federation`: the federation's name and its other member points (docs/federation.md) */
  federation?: { name: string, peers: string[] }
}

/** What the command line asks for */
export type Command =
  | { command: 'serve', config: DaemonConfig }
  | { command: 'status', admin: MetricsAddress, json: boolean }
  | { command: 'help' }
  | { command: 'version' }

/** The environment, as `process.env` */
export type Environment = Record<string, string | undefined>

type OptionKind = 'string' | 'boolean'

/** The dialects whose TTL window the --*-ttl flags set (the others keep their references' windows) */
const ADJUSTABLE_TTL = DIALECTS.filter(d => d.ttl.adjustable).map(d => d.protocol).join(' or ')

/** One flag of `rendezvous serve`, with its environment variable and help text */
export interface FlagSpec {
  /** The long flag, without its dashes */
  name: string
  /** The environment variable read when the flag is absent */
  env?: string
  type: OptionKind
  multiple?: boolean
  short?: string
  /** The value shown after the flag in help text */
  value?: string
  /** What the flag does, one line */
  description: string
  /** The default, as shown in help text */
  defaultText?: string
}

/** Every flag of `rendezvous serve`, in the order help text lists them */
export const FLAGS: readonly FlagSpec[] = [
  { name: 'listen', env: 'RENDEZVOUS_LISTEN', type: 'string', multiple: true, value: '<multiaddr>', description: 'listen address, repeatable or comma separated: /ip4|ip6/<host>/tcp/<port>[/ws]', defaultText: DEFAULT_LISTEN.join(',') },
  { name: 'store', env: 'RENDEZVOUS_STORE', type: 'string', value: 'memory|level|sqlite|postgres', description: 'where registrations are kept (postgres: a database shared by a fleet of points, docs/fleet.md)', defaultText: DEFAULT_STORE },
  ...DATABASE_FLAGS,
  ...WORKER_FLAGS,
  { name: 'data-dir', env: 'RENDEZVOUS_DATA_DIR', type: 'string', value: '<dir>', description: 'directory of the identity key, cookie secret and store', defaultText: DEFAULT_DATA_DIR },
  { name: 'dialect', env: 'RENDEZVOUS_DIALECT', type: 'string', multiple: true, value: '<name|protocol>', description: `protocols to serve by name or protocol ID (${DIALECTS.map(d => `${d.name} = ${d.protocol}`).join(', ')}), repeatable or comma separated`, defaultText: DIALECTS.map(d => d.name).join(',') },
  { name: 'min-ttl', env: 'RENDEZVOUS_MIN_TTL', type: 'string', value: '<duration>', description: `shortest TTL a ${ADJUSTABLE_TTL} peer may ask for (seconds, or 60s, 30m, 2h, 3d)`, defaultText: formatDuration(DEFAULT_MIN_TTL) },
  { name: 'max-ttl', env: 'RENDEZVOUS_MAX_TTL', type: 'string', value: '<duration>', description: `longest TTL a ${ADJUSTABLE_TTL} peer may ask for`, defaultText: formatDuration(DEFAULT_MAX_TTL) },
  { name: 'default-ttl', env: 'RENDEZVOUS_DEFAULT_TTL', type: 'string', value: '<duration>', description: `TTL of a ${ADJUSTABLE_TTL} REGISTER that names none`, defaultText: formatDuration(DEFAULT_DEFAULT_TTL) },
  { name: 'max-registrations-per-peer', env: 'RENDEZVOUS_MAX_REGISTRATIONS_PER_PEER', type: 'string', value: '<n>', description: 'registrations one peer may hold at once', defaultText: String(DEFAULT_MAX_REGISTRATIONS_PER_PEER) },
  { name: 'max-registrations', env: 'RENDEZVOUS_MAX_REGISTRATIONS', type: 'string', value: '<n>', description: 'live registrations across all peers', defaultText: String(DEFAULT_MAX_REGISTRATIONS) },
  { name: 'max-discover-limit', env: 'RENDEZVOUS_MAX_DISCOVER_LIMIT', type: 'string', value: '<n>', description: 'most registrations one DISCOVER answer carries', defaultText: String(DEFAULT_MAX_DISCOVER_LIMIT) },
  { name: 'max-connections', env: 'RENDEZVOUS_MAX_CONNECTIONS', type: 'string', value: '<n>', description: 'most open connections', defaultText: String(DEFAULT_MAX_CONNECTIONS) },
  { name: 'connection-rate-per-ip', env: 'RENDEZVOUS_CONNECTION_RATE_PER_IP', type: 'string', value: '<n>', description: 'new inbound connections accepted per second from one IP address', defaultText: String(DEFAULT_CONNECTION_RATE_PER_IP) },
  { name: 'handshake-timeout', env: 'RENDEZVOUS_HANDSHAKE_TIMEOUT', type: 'string', value: '<duration>', description: 'time an inbound connection may take to finish its handshake', defaultText: formatDuration(DEFAULT_HANDSHAKE_TIMEOUT) },
  { name: 'max-handshakes-per-ip', env: 'RENDEZVOUS_MAX_HANDSHAKES_PER_IP', type: 'string', value: '<n>', description: 'inbound handshakes in progress at once from one IP address', defaultText: String(DEFAULT_MAX_PENDING_PER_IP) },
  { name: 'max-idle-connections-per-ip', env: 'RENDEZVOUS_MAX_IDLE_CONNECTIONS_PER_IP', type: 'string', value: '<n>', description: 'open connections from one IP address that have not opened a stream', defaultText: String(DEFAULT_MAX_UNPROVEN_PER_IP) },
  { name: 'idle-connection-timeout', env: 'RENDEZVOUS_IDLE_CONNECTION_TIMEOUT', type: 'string', value: '<duration>', description: 'time a connection may go without any stream before it is closed', defaultText: formatDuration(DEFAULT_CONNECTION_IDLE_TIMEOUT / 1000) },
  { name: 'max-record-bytes', env: 'RENDEZVOUS_MAX_RECORD_BYTES', type: 'string', value: '<n>', description: 'largest signed peer record accepted in a REGISTER, in bytes', defaultText: String(DEFAULT_MAX_RECORD_BYTES) },
  { name: 'discover-bytes-per-second', env: 'RENDEZVOUS_DISCOVER_BYTES_PER_SECOND', type: 'string', value: '<n>', description: 'DISCOVER answer bytes one peer may be sent per second (bursts of 4 MiB)', defaultText: String(DEFAULT_DISCOVER_BYTES_PER_SECOND) },
  { name: 'peer-store-limit', env: 'RENDEZVOUS_PEER_STORE_LIMIT', type: 'string', value: '<n>', description: 'peers the libp2p peer store keeps at most, about 300 bytes each; the least recently heard-from are dropped first', defaultText: String(DEFAULT_PEER_STORE_LIMIT) },
  { name: 'warm-up', env: 'RENDEZVOUS_WARM_UP', type: 'string', value: '<n>', description: 'REGISTERs a throwaway point of the same stack takes on 127.0.0.1 before the point listens, so the first storm after a start is served by compiled code; 0 starts at once', defaultText: String(DEFAULT_WARM_UP) },
  { name: 'announce', env: 'RENDEZVOUS_ANNOUNCE', type: 'string', multiple: true, value: '<multiaddr>', description: 'address peers are told to dial (e.g. a public IP or DNS name), repeatable or comma separated; replaces the listen addresses in identify', defaultText: 'the listen addresses' },
  { name: 'log-level', env: 'RENDEZVOUS_LOG_LEVEL', type: 'string', value: 'error|warn|info|debug', description: 'info logs one line per request (sampled above 20 a second), debug every request', defaultText: DEFAULT_LOG_LEVEL },
  { name: 'admin', env: 'RENDEZVOUS_ADMIN', type: 'string', value: '<host:port>', description: 'serve the status page and JSON status API at http://<host:port>/ (keep it on loopback or behind a proxy)', defaultText: 'off' },
  { name: 'federation', env: 'RENDEZVOUS_FEDERATION', type: 'string', value: '<name>', description: 'share registrations with the other points of the federation of this name over gossipsub (docs/federation.md)', defaultText: 'off' },
  { name: 'federation-peer', env: 'RENDEZVOUS_FEDERATION_PEER', type: 'string', multiple: true, value: '<multiaddr>', description: 'another member point of the federation, ending in /p2p/<peer ID>, repeatable or comma separated; only these are trusted', defaultText: 'none' },
  ...RELAY_FLAGS,
  ...TLS_FLAGS,
  ...LIVENESS_FLAGS,
  { name: 'ping-interval', env: 'RENDEZVOUS_PING_INTERVAL', type: 'string', value: '<duration>', description: 'find vanished peers with js-libp2p\'s connection monitor instead (a ping stream on every connection this often; far more memory per idle connection, docs/performance.md)', defaultText: `off; js-libp2p's default when on: ${formatDuration(LIBP2P_PING_INTERVAL)}` },
  { name: 'identify-every-connection', env: 'RENDEZVOUS_IDENTIFY_EVERY_CONNECTION', type: 'boolean', description: 'identify every peer as it connects; otherwise the point answers every peer that asks and asks only the requesters whose agent version it needs (docs/performance.md); always on with --federation or --relay', defaultText: 'off' },
  { name: 'coalesce-writes', env: 'RENDEZVOUS_COALESCE_WRITES', type: 'boolean', description: 'send the socket writes of one event-loop iteration as one writev (fewer syscalls per request; docs/performance.md); --no-coalesce-writes sends each write at once', defaultText: 'on' },
  { name: 'metrics', env: 'RENDEZVOUS_METRICS', type: 'string', value: '<host:port>', description: 'serve Prometheus metrics at http://<host:port>/metrics', defaultText: 'off' },
  { name: 'json', env: 'RENDEZVOUS_JSON', type: 'boolean', description: 'print one JSON object per line', defaultText: 'off' },
  { name: 'help', type: 'boolean', short: 'h', description: 'print this help and exit' },
  { name: 'version', type: 'boolean', short: 'V', description: 'print the version and exit' }
]

const DURATION_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }

const STORES: readonly StoreKind[] = ['memory', 'level', 'sqlite', 'postgres']

/** Where a value came from, for error messages that say where to look */
function origin (spec: FlagSpec, fromEnv: boolean): string {
  return fromEnv && spec.env != null ? `${spec.env} (--${spec.name})` : `--${spec.name}`
}

function specOf (name: string): FlagSpec {
  const spec = FLAGS.find(f => f.name === name)
  if (spec == null) {
    throw new Error(`no flag ${name}`)
  }
  return spec
}

function oneLine (message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim()
}

/**
 * Parse a duration in seconds: a whole number, optionally followed by `s`, `m`, `h` or `d`
 */
export function parseDuration (value: string, where: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim())
  if (match == null) {
    throw new InvalidFlagError(`${where}: '${value}' is not a duration; use whole seconds or a number with s, m, h or d (e.g. 7200, 2h)`)
  }
  const seconds = Number(match[1]) * DURATION_UNITS[match[2]]
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new InvalidFlagError(`${where}: '${value}' is out of range; it must be at least 1 second`)
  }
  return seconds
}

/** Parse a whole number of at least `min` (default 1) */
export function parseCount (value: string, where: string, min = 1): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new InvalidFlagError(`${where}: '${value}' is not a whole number`)
  }
  const n = Number(value.trim())
  if (!Number.isSafeInteger(n) || n < min) {
    throw new InvalidFlagError(`${where}: '${value}' is out of range; it must be at least ${min}`)
  }
  return n
}

/** Parse `host:port`, `[ipv6]:port` */
export function parseMetricsAddress (value: string, where: string): MetricsAddress {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(value) ?? /^([^\s:[\]/]+):(\d+)$/.exec(value)
  if (match == null) {
    throw new InvalidFlagError(`${where}: '${value}' is not host:port (e.g. 127.0.0.1:9090 or [::1]:9090)`)
  }
  const port = Number(match[2])
  if (port > 65535) {
    throw new InvalidFlagError(`${where}: port ${port} in '${value}' is over 65535`)
  }
  return { host: match[1], port }
}

/** What a listen multiaddr binds, to find two that would take the same port */
interface Binding {
  family: string
  host: string
  port: number
}

/** What may follow `/tcp/<port>`: nothing, `/ws`, or secure WebSocket as `/tls/ws` or `/wss` */
function webSocketTail (names: string[]): boolean {
  return ['', 'ws', 'tls/ws', 'wss'].includes(names.join('/'))
}

/**
 * Check one listen multiaddr: IPv4 or IPv6, TCP, and optionally WebSocket; nothing else can be
 * listened on by the daemon's transports
 */
export function parseListenAddress (value: string, where: string): { address: string, binding: Binding } {
  let components
  try {
    components = multiaddr(value).getComponents()
  } catch (err: any) {
    throw new InvalidFlagError(`${where}: '${value}' is not a multiaddr: ${oneLine(String(err.message))}`)
  }
  const [ip, tcp, ...rest] = components
  const shapeOk = ip != null && (ip.name === 'ip4' || ip.name === 'ip6') &&
    tcp?.name === 'tcp' &&
    webSocketTail(rest.map(c => c.name))
  if (!shapeOk) {
    throw new InvalidFlagError(`${where}: cannot listen on '${value}'; use /ip4/<address>/tcp/<port>, /ip4/<address>/tcp/<port>/ws or /ip4/<address>/tcp/<port>/tls/ws (or /ip6/...)`)
  }
  const port = Number(tcp.value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidFlagError(`${where}: port '${tcp.value ?? ''}' in '${value}' is not 0-65535`)
  }
  return { address: value, binding: { family: ip.name, host: ip.value ?? '', port } }
}

const WILDCARDS = new Set(['0.0.0.0', '::'])

// libp2p listens on IPv6 addresses with IPV6_V6ONLY, so /ip4/0.0.0.0 and /ip6/:: may share a port
function conflicts (a: Binding, b: Binding): boolean {
  return a.port !== 0 && a.port === b.port && a.family === b.family &&
    (a.host === b.host || WILDCARDS.has(a.host) || WILDCARDS.has(b.host))
}

function splitList (values: string[]): string[] {
  return values.flatMap(v => v.split(',')).map(v => v.trim()).filter(v => v.length > 0)
}

function parseBoolean (value: string, where: string): boolean {
  const v = value.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) {
    return true
  }
  if (['0', 'false', 'no', 'off', ''].includes(v)) {
    return false
  }
  throw new InvalidFlagError(`${where}: '${value}' is not a boolean; use true or false`)
}

function parseOptions (argv: string[]): { values: Record<string, string | string[] | boolean | undefined>, positionals: string[] } {
  const options: Record<string, { type: OptionKind, multiple?: boolean, short?: string }> = {}
  for (const f of FLAGS) {
    options[f.name] = { type: f.type, ...(f.multiple === true ? { multiple: true } : {}), ...(f.short != null ? { short: f.short } : {}) }
  }
  try {
    // allowNegative: --no-<flag> turns off a boolean flag that is on by default (--no-coalesce-writes)
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true, allowNegative: true })
    // multiple: true is only set on string options, so arrays hold strings
    return { values: values as Record<string, string | string[] | boolean | undefined>, positionals }
  } catch (err: any) {
    throw new InvalidFlagError(parseArgsMessage(err), { cause: err })
  }
}

/** Node's parseArgs messages talk about positionals; say which flag is wrong and where help is */
function parseArgsMessage (err: any): string {
  const message = String(err?.message ?? err)
  const flag = /'(-[^' ]+)/.exec(message)?.[1]
  if (err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag != null) {
    return `unknown flag ${flag}; see --help`
  }
  if (err?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag != null) {
    return /does not take/.test(message) ? `${flag} takes no value; see --help` : `${flag} needs a value; see --help`
  }
  return `${oneLine(message)}; see --help`
}

/**
 * Parse the command line of the `rendezvous` bin (`process.argv.slice(2)`): `serve [flags]`,
 * `--help`, `--version`. Throws {@link InvalidFlagError} on anything it does not understand.
 */
export function parseCommandLine (argv: string[], env: Environment = {}): Command {
  if (argv[0] === 'status') {
    return parseStatusCommand(argv.slice(1), env)
  }
  const { values, positionals } = parseOptions(argv)
  if (values.help === true) {
    return { command: 'help' }
  }
  if (values.version === true) {
    return { command: 'version' }
  }
  const [command, ...extra] = positionals
  if (command === 'help') {
    return { command: 'help' }
  }
  if (command === 'version') {
    return { command: 'version' }
  }
  if (command == null) {
    throw new InvalidFlagError("no command given; run 'rendezvous serve' to start a rendezvous point, or 'rendezvous --help'")
  }
  if (command !== 'serve') {
    throw new InvalidFlagError(`unknown command '${command}'; the commands are 'serve' and 'status' (see 'rendezvous --help')`)
  }
  if (extra.length > 0) {
    throw new InvalidFlagError(`unexpected argument '${extra[0]}' after 'serve'; every option is a --flag`)
  }
  return { command: 'serve', config: parseConfig(argv, env) }
}

/** `rendezvous status [--admin <host:port>] [--json]`: ask a running daemon's admin server what it holds */
function parseStatusCommand (argv: string[], env: Environment): Command {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: { admin: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false
    })
  } catch (err: any) {
    throw new InvalidFlagError(parseArgsMessage(err), { cause: err })
  }
  if (parsed.values.help === true) {
    return { command: 'help' }
  }
  const fromEnv = env.RENDEZVOUS_ADMIN != null && env.RENDEZVOUS_ADMIN.trim() !== '' ? env.RENDEZVOUS_ADMIN : undefined
  const value = parsed.values.admin ?? fromEnv ?? DEFAULT_ADMIN
  const where = parsed.values.admin == null && fromEnv != null ? 'RENDEZVOUS_ADMIN (--admin)' : '--admin'
  const json = parsed.values.json === true || parseBoolean(env.RENDEZVOUS_JSON ?? '', 'RENDEZVOUS_JSON (--json)')
  return { command: 'status', admin: parseMetricsAddress(value.trim(), where), json }
}

/** A value and where it came from (`--flag` or `ENV_VAR (--flag)`), for error messages */
interface Sourced<T> {
  value: T
  where: string
}

/** Reads each flag from the command line, or else from its environment variable */
class FlagReader {
  private readonly values: Record<string, string | string[] | boolean | undefined>
  private readonly env: Environment

  constructor (values: Record<string, string | string[] | boolean | undefined>, env: Environment) {
    this.values = values
    this.env = env
  }

  private fromEnv (spec: FlagSpec): string | undefined {
    const value = spec.env != null ? this.env[spec.env] : undefined
    return value != null && value.trim() !== '' ? value : undefined
  }

  one (name: string): Sourced<string> | undefined {
    const spec = specOf(name)
    const flag = this.values[name]
    if (typeof flag === 'string') {
      return { value: flag, where: origin(spec, false) }
    }
    const env = this.fromEnv(spec)
    return env != null ? { value: env, where: origin(spec, true) } : undefined
  }

  list (name: string): Sourced<string[]> | undefined {
    const spec = specOf(name)
    const flag = this.values[name]
    if (Array.isArray(flag) && flag.length > 0) {
      return { value: splitList(flag), where: origin(spec, false) }
    }
    const env = this.fromEnv(spec)
    return env != null ? { value: splitList([env]), where: origin(spec, true) } : undefined
  }

  flag (name: string): Sourced<boolean> | undefined {
    const spec = specOf(name)
    const given = this.values[name]
    if (typeof given === 'boolean') {
      return { value: given, where: origin(spec, false) }
    }
    const env = this.fromEnv(spec)
    return env != null ? { value: parseBoolean(env, origin(spec, true)), where: origin(spec, true) } : undefined
  }

  duration (name: string, fallback: number): number {
    const r = this.one(name)
    return r == null ? fallback : parseDuration(r.value, r.where)
  }

  count (name: string, fallback: number, min = 1): number {
    const r = this.one(name)
    return r == null ? fallback : parseCount(r.value, r.where, min)
  }
}

function readListen (reader: FlagReader): string[] {
  const given = reader.list('listen')
  const where = given?.where ?? '--listen'
  const listen = given?.value ?? DEFAULT_LISTEN
  if (listen.length === 0) {
    throw new InvalidFlagError(`${where}: no address given`)
  }
  const bindings: Array<{ address: string, binding: Binding }> = []
  for (const address of listen) {
    const parsed = parseListenAddress(address, where)
    const clash = bindings.find(b => conflicts(b.binding, parsed.binding))
    if (clash != null) {
      throw new InvalidFlagError(`${where}: '${address}' and '${clash.address}' would both listen on TCP port ${parsed.binding.port}`)
    }
    bindings.push(parsed)
  }
  return bindings.map(b => b.address)
}

function readStore (reader: FlagReader): StoreKind {
  const given = reader.one('store')
  const store = (given?.value.trim() ?? DEFAULT_STORE) as StoreKind
  if (!STORES.includes(store)) {
    throw new InvalidFlagError(`${given?.where ?? '--store'}: unknown store '${given?.value ?? ''}'; use memory, level, sqlite or postgres`)
  }
  return store
}

function readDataDir (reader: FlagReader, cwd: string): string {
  const given = reader.one('data-dir')
  const value = given?.value ?? DEFAULT_DATA_DIR
  if (value.includes('\0')) {
    throw new InvalidFlagError(`${given?.where ?? '--data-dir'}: the path contains a NUL byte`)
  }
  return isAbsolute(value) ? resolve(value) : resolve(cwd, value)
}

function readDialects (reader: FlagReader): DialectName[] {
  const given = reader.list('dialect')
  const where = given?.where ?? '--dialect'
  const dialects: DialectName[] = []
  for (const name of given?.value ?? DIALECTS.map(d => d.name)) {
    let dialect: DialectName
    try {
      dialect = lookUpDialect(name).name
    } catch {
      throw new InvalidFlagError(`${where}: unknown dialect '${name}'; use one of ${DIALECTS.map(d => `${d.name} (${d.protocol})`).join(', ')}`)
    }
    if (!dialects.includes(dialect)) {
      dialects.push(dialect)
    }
  }
  if (dialects.length === 0) {
    throw new InvalidFlagError(`${where}: no dialect given`)
  }
  return dialects
}

function readAnnounce (reader: FlagReader): string[] {
  const given = reader.list('announce')
  const announce: string[] = []
  for (const address of given?.value ?? []) {
    try {
      announce.push(multiaddr(address).toString())
    } catch (err: any) {
      throw new InvalidFlagError(`${given?.where ?? '--announce'}: '${address}' is not a multiaddr: ${oneLine(String(err.message))}`)
    }
  }
  return announce
}

function readLogLevel (reader: FlagReader): LogLevel {
  const given = reader.one('log-level')
  const level = (given?.value.trim().toLowerCase() ?? DEFAULT_LOG_LEVEL) as LogLevel
  if (!LOG_LEVELS.includes(level)) {
    throw new InvalidFlagError(`${given?.where ?? '--log-level'}: unknown level '${given?.value ?? ''}'; use ${LOG_LEVELS.join(', ')}`)
  }
  return level
}

function readTtlWindow (reader: FlagReader): { minTtl: number, maxTtl: number, defaultTtl: number } {
  const minTtl = reader.duration('min-ttl', DEFAULT_MIN_TTL)
  const maxTtl = reader.duration('max-ttl', DEFAULT_MAX_TTL)
  // a window given without a default keeps the default inside the window
  const defaultTtl = reader.duration('default-ttl', Math.min(Math.max(DEFAULT_DEFAULT_TTL, minTtl), maxTtl))
  if (minTtl > maxTtl) {
    throw new InvalidFlagError(`--min-ttl (${minTtl}s) is above --max-ttl (${maxTtl}s)`)
  }
  if (defaultTtl < minTtl || defaultTtl > maxTtl) {
    throw new InvalidFlagError(`--default-ttl (${defaultTtl}s) is outside the window --min-ttl (${minTtl}s) to --max-ttl (${maxTtl}s)`)
  }
  return { minTtl, maxTtl, defaultTtl }
}

/**
 * Merge the flags of `rendezvous serve`, the `RENDEZVOUS_*` environment variables and the defaults into
 * a {@link DaemonConfig} (`argv` may start with `serve`). A flag wins over its environment variable; an
 * empty environment variable counts as unset. Throws {@link InvalidFlagError} with a one-line message
 * naming the flag or variable at fault. Reads nothing from disk and writes nothing.
 */
export function parseConfig (argv: string[], env: Environment = {}, cwd: string = process.cwd()): DaemonConfig {
  const { values, positionals } = parseOptions(argv)
  // the command itself may lead, as parseCommandLine passes the whole command line on
  const extra = positionals[0] === 'serve' ? positionals.slice(1) : positionals
  if (extra.length > 0) {
    throw new InvalidFlagError(`unexpected argument '${extra[0]}'; every option is a --flag`)
  }
  const reader = new FlagReader(values, env)
  const metrics = reader.one('metrics')
  const relay = readRelayConfig(reader)
  const listen = readListen(reader)
  const tls = readTlsConfig(reader, listen)
  const admin = reader.one('admin')
  const federation = readFederation(reader)
  const store = readStore(reader)
  const databaseUrl = readDatabaseUrl(reader, store)
  const workers = readWorkers(reader, store)
  checkWorkersFeatures(workers, { relay: relay != null, federation: federation != null })

  return {
    listen,
    store,
    ...(databaseUrl != null ? { databaseUrl } : {}),
    workers,
    dataDir: readDataDir(reader, cwd),
    dialects: readDialects(reader),
    ...readTtlWindow(reader),
    maxRegistrationsPerPeer: reader.count('max-registrations-per-peer', DEFAULT_MAX_REGISTRATIONS_PER_PEER),
    maxRegistrations: reader.count('max-registrations', DEFAULT_MAX_REGISTRATIONS),
    maxDiscoverLimit: reader.count('max-discover-limit', DEFAULT_MAX_DISCOVER_LIMIT),
    maxConnections: reader.count('max-connections', DEFAULT_MAX_CONNECTIONS),
    connectionRatePerIp: reader.count('connection-rate-per-ip', DEFAULT_CONNECTION_RATE_PER_IP),
    handshakeTimeout: reader.duration('handshake-timeout', DEFAULT_HANDSHAKE_TIMEOUT),
    maxHandshakesPerIp: reader.count('max-handshakes-per-ip', DEFAULT_MAX_PENDING_PER_IP),
    maxIdleConnectionsPerIp: reader.count('max-idle-connections-per-ip', DEFAULT_MAX_UNPROVEN_PER_IP),
    idleConnectionTimeout: reader.duration('idle-connection-timeout', DEFAULT_CONNECTION_IDLE_TIMEOUT / 1000),
    maxRecordBytes: reader.count('max-record-bytes', DEFAULT_MAX_RECORD_BYTES),
    discoverBytesPerSecond: reader.count('discover-bytes-per-second', DEFAULT_DISCOVER_BYTES_PER_SECOND),
    peerStoreLimit: reader.count('peer-store-limit', DEFAULT_PEER_STORE_LIMIT),
    warmUp: reader.count('warm-up', DEFAULT_WARM_UP, 0),
    ...(relay != null ? { relay } : {}),
    ...(tls != null ? { tls } : {}),
    ...(metrics != null ? { metrics: parseMetricsAddress(metrics.value.trim(), metrics.where) } : {}),
    announce: readAnnounce(reader),
    logLevel: readLogLevel(reader),
    ...(admin != null ? { admin: parseMetricsAddress(admin.value.trim(), admin.where) } : {}),
    json: reader.flag('json')?.value ?? false,
    ...(reader.flag('identify-every-connection')?.value === true ? { identifyEveryConnection: true } : {}),
    ...(reader.flag('coalesce-writes')?.value === false ? { coalesceWrites: false } : {}),
    ...(reader.one('ping-interval') != null ? { pingInterval: reader.duration('ping-interval', LIBP2P_PING_INTERVAL) } : {}),
    ...readLivenessConfig(reader),
    ...(federation != null ? { federation } : {})
  }
}

/** `--federation <name>` with its `--federation-peer`s, checked as the server checks them */
function readFederation (reader: FlagReader): DaemonConfig['federation'] {
  const name = reader.one('federation')
  const peers = reader.list('federation-peer')
  if (name == null) {
    if (peers != null) {
      throw new InvalidFlagError(`${peers.where} needs --federation <name>`)
    }
    return undefined
  }
  const federation = { name: name.value.trim(), peers: peers?.value ?? [] }
  try {
    resolveFederation(federation)
  } catch (err: any) {
    throw new InvalidFlagError(`${peers?.where ?? name.where}: ${err.message}`)
  }
  return federation
}

/** The help text of the bin */
export function helpText (): string {
  const lines = [
    'Usage: rendezvous serve [options]',
    `       rendezvous status [--admin <host:port>] [--json]   what a running point holds (default: ${DEFAULT_ADMIN})`,
    '',
    `Runs a rendezvous point for libp2p and Waku peers (${DIALECTS.map(d => d.protocol).join(', ')})`,
    'over TCP and WebSocket. Every option can also be set by the environment variable shown.',
    '',
    'Options:'
  ]
  for (const f of FLAGS) {
    const flag = `${f.short != null ? `-${f.short}, ` : '    '}--${f.name}${f.value != null ? ` ${f.value}` : ''}`
    lines.push(`  ${flag}`)
    lines.push(`        ${f.description}${f.defaultText != null ? ` (default: ${f.defaultText})` : ''}${f.env != null ? ` [${f.env}]` : ''}`)
  }
  lines.push('', 'SIGINT or SIGTERM stops it gracefully. Exit codes: 0 stopped, 1 failed while running, 2 bad options or could not start.')
  return lines.join('\n') + '\n'
}
