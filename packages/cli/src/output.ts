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

/** Create the output for text (`json: false`) or JSON lines (`json: true`) */
export function createOutput (json: boolean, streams: OutputStreams): Output {
  if (json) {
    const line = (stream: OutputStreams['stdout'], value: Record<string, unknown>): void => {
      stream.write(JSON.stringify(value) + '\n')
    }
    return {
      listening: (info) => { line(streams.stdout, { event: 'listening', ...info, time: new Date().toISOString() }) },
      event: (event, fields = {}) => { line(streams.stdout, { event, time: new Date().toISOString(), ...fields }) },
      warn: (message) => { line(streams.stderr, { event: 'warning', time: new Date().toISOString(), message: oneLine(message) }) },
      error: (error) => { line(streams.stderr, { event: 'error', time: new Date().toISOString(), error: error.name, message: oneLine(error.message) }) }
    }
  }
  return {
    listening: (info) => {
      const lines = [
        `peer id: ${info.peerId}`,
        'listening on:',
        ...info.multiaddrs.map(ma => `  ${ma}`),
        `protocols: ${info.protocols.join(', ')}`,
        `store: ${info.store}${info.storePath != null ? ` at ${info.storePath}` : ' (registrations are lost when the process ends)'}`,
        ...(info.metrics != null ? [`metrics: ${info.metrics}`] : []),
        'ready'
      ]
      streams.stdout.write(lines.join('\n') + '\n')
    },
    event: (event, fields = {}, text) => { streams.stdout.write(`${text ?? event}\n`) },
    warn: (message) => { streams.stderr.write(`rendezvous: warning: ${oneLine(message)}\n`) },
    error: (error) => { streams.stderr.write(`rendezvous: ${oneLine(error.message)}\n`) }
  }
}
