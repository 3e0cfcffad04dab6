import { REQUEST_LOG_LINES_PER_SECOND } from './constants.ts'
import type { LogLevel } from './config.ts'
import type { Output } from './output.ts'
import type { RendezvousServer, RequestEventDetail } from '@rendezvous/server'

/** What one request line says: never a record, only what identifies the request and its answer */
export interface RequestLine {
  dialect: string
  type: string
  namespace: string
  status: string
  /** Milliseconds, to a tenth */
  ms: number
  peer: string
}

/**
 * Log one line per request answered. At `info` at most `linesPerSecond` lines a second are written, so a
 * busy point does not fill its disk: the requests beyond are counted and one `requests-dropped` line a
 * second says how many were left out. At `debug` every request is logged; below `info`, none.
 * Returns a function that stops logging (and writes the last dropped count).
 */
export function logRequests (server: RendezvousServer, output: Output, level: LogLevel, linesPerSecond = REQUEST_LOG_LINES_PER_SECOND, now: () => number = Date.now): () => void {
  if (level !== 'info' && level !== 'debug') {
    return () => {}
  }
  const limited = level === 'info'
  let windowStart = now()
  let written = 0
  let dropped = 0

  const flushDropped = (): void => {
    if (dropped > 0) {
      output.event('requests-dropped', { dropped, linesPerSecond }, `${dropped} request lines left out (at most ${linesPerSecond} a second at --log-level info)`)
      dropped = 0
    }
  }

  const onRequest = (evt: CustomEvent<RequestEventDetail>): void => {
    const d = evt.detail
    if (limited) {
      const t = now()
      if (t - windowStart >= 1000) {
        flushDropped()
        windowStart = t
        written = 0
      }
      if (written >= linesPerSecond) {
        dropped++
        return
      }
      written++
    }
    const line: RequestLine = {
      dialect: d.dialect,
      type: d.type,
      namespace: d.namespace,
      status: d.status,
      ms: Math.round(d.durationMs * 10) / 10,
      peer: d.peer.toString()
    }
    output.event('request', { ...line }, `request dialect=${line.dialect} type=${line.type} namespace=${JSON.stringify(line.namespace)} status=${line.status} ms=${line.ms} peer=${line.peer}`)
  }
  server.events.addEventListener('request', onRequest)
  return () => {
    server.events.removeEventListener('request', onRequest)
    flushDropped()
  }
}
