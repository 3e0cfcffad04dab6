import type { LogLevel } from './config.ts'

/** Where the daemon writes: `process.stdout` and `process.stderr`, or anything with `write` in tests */
export interface OutputStreams {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

/** What the daemon tells its operator once it listens */
export interface ListeningInfo {
  peerId: string
  /** Every listen multiaddr, each ending in `/p2p/<peer id>` */
  multiaddrs: string[]
  /** The protocol IDs served */
  protocols: string[]
  store: string
  /** The store's file or directory, absent for the memory store */
  storePath?: string
  dataDir: string
  /** The Prometheus endpoint, if enabled */
  metrics?: string
  /** The daemon's version */
  version?: string
  /** The identity key file, and whether this start created it */
  identity?: { path: string, created: boolean }
  /** The addresses listened on, when peers are told others (`--announce`) */
  listen?: string[]
  /** The `/rendezvous/1.0.0` TTL window in seconds */
  ttl?: { min: number, max: number, default: number }
  limits?: { maxRegistrations: number, maxRegistrationsPerPeer: number, maxDiscoverLimit: number, maxConnections: number }
  /** The status page, if enabled */
  admin?: string
  logLevel?: string
  /** What the warm-up did before the point listened (`--warm-up`) */
  warmUp?: { registers: number, ms: number }
}

function seconds (s: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (s % size === 0 && s >= size) {
      return `${s / size}${unit}`
    }
  }
  return `${s}s`
}

/**
 * The daemon's output: for people, lines of text; with `--json`, one JSON object per line on stdout,
 * each with an `event` field (`listening` first, then `stopping`, `stopped`, `warning`), and errors as
 * `{"event":"error",...}` on stderr.
 */
export interface Output {
  listening(info: ListeningInfo): void
  event(event: string, fields?: Record<string, unknown>, text?: string): void
  warn(message: string): void
  error(error: Error): void
}

function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/**
 * Create the output for text (`json: false`) or JSON lines (`json: true`). At `level` `error`, warnings
 * are left out; the ready output and errors are always written.
 */
export function createOutput (json: boolean, streams: OutputStreams, level: LogLevel = 'info'): Output {
  const quiet = level === 'error'
  if (json) {
    const line = (stream: OutputStreams['stdout'], value: Record<string, unknown>): void => {
      stream.write(JSON.stringify(value) + '\n')
    }
    return {
      listening: (info) => { line(streams.stdout, { event: 'listening', ...info, time: new Date().toISOString() }) },
      event: (event, fields = {}) => { line(streams.stdout, { event, time: new Date().toISOString(), ...fields }) },
      warn: (message) => { if (!quiet) { line(streams.stderr, { event: 'warning', time: new Date().toISOString(), message: oneLine(message) }) } },
      error: (error) => { line(streams.stderr, { event: 'error', time: new Date().toISOString(), error: error.name, message: oneLine(error.message) }) }
    }
  }
  return {
    listening: (info) => {
      const lines = [
        ...(info.version != null ? [`rendezvous ${info.version} (node ${process.version})`] : []),
        `peer id: ${info.peerId}`,
        ...(info.identity != null ? [`identity: ${info.identity.created ? 'new, written to' : 'loaded from'} ${info.identity.path}`] : []),
        ...(info.listen != null ? ['listening on (not announced):', ...info.listen.map(ma => `    ${ma}`), 'announcing:'] : ['listening on:']),
        ...info.multiaddrs.map(ma => `  ${ma}`),
        `protocols: ${info.protocols.join(', ')}`,
        `store: ${info.store}${info.storePath != null ? ` at ${info.storePath}` : ' (registrations are lost when the process ends)'}`,
        ...(info.ttl != null ? [`ttl: ${seconds(info.ttl.min)} to ${seconds(info.ttl.max)}, default ${seconds(info.ttl.default)} (/rendezvous/1.0.0; the Waku dialects keep their own windows)`] : []),
        ...(info.limits != null ? [`limits: ${info.limits.maxRegistrations} registrations, ${info.limits.maxRegistrationsPerPeer} per peer, ${info.limits.maxDiscoverLimit} per DISCOVER answer, ${info.limits.maxConnections} connections`] : []),
        ...(info.admin != null ? [`status page: ${info.admin}`] : []),
        ...(info.metrics != null ? [`metrics: ${info.metrics}`] : []),
        ...(info.logLevel != null ? [`log level: ${info.logLevel}`] : []),
        ...(info.warmUp != null && info.warmUp.registers > 0 ? [`warmed up: ${info.warmUp.registers} REGISTERs at a throwaway point in ${(info.warmUp.ms / 1000).toFixed(1)} s`] : []),
        'ready'
      ]
      streams.stdout.write(lines.join('\n') + '\n')
    },
    event: (event, fields = {}, text) => { streams.stdout.write(`${text ?? event}\n`) },
    warn: (message) => { if (!quiet) { streams.stderr.write(`rendezvous: warning: ${oneLine(message)}\n`) } },
    error: (error) => { streams.stderr.write(`rendezvous: ${oneLine(error.message)}\n`) }
  }
}
