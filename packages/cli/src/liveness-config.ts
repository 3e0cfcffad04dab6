import { DEFAULT_LIVENESS_INTERVAL, DEFAULT_LIVENESS_TIMEOUT } from './constants.ts'
import { formatDuration } from './duration.ts'
import { InvalidFlagError } from './errors.ts'
import type { FlagSpec } from './config.ts'

/** The flags of the point's liveness check, in the order help text lists them */
export const LIVENESS_FLAGS: readonly FlagSpec[] = [
  { name: 'liveness-interval', env: 'RENDEZVOUS_LIVENESS_INTERVAL', type: 'string', value: '<duration>', description: 'how often every connection is pinged with a Yamux ping frame (no stream) to find peers that vanished without closing it', defaultText: formatDuration(DEFAULT_LIVENESS_INTERVAL) },
  { name: 'liveness-timeout', env: 'RENDEZVOUS_LIVENESS_TIMEOUT', type: 'string', value: '<duration>', description: 'how long such a ping may wait for its answer before the connection is closed', defaultText: formatDuration(DEFAULT_LIVENESS_TIMEOUT) }
]

/** What {@link readLivenessConfig} needs of the daemon's flag reader */
export interface LivenessFlagReader {
  one(name: string): { value: string, where: string } | undefined
  duration(name: string, fallback: number): number
}

/** The liveness flags given, in seconds (absent ones are left to the defaults above) */
export interface LivenessConfig {
  livenessInterval?: number
  livenessTimeout?: number
}

/**
 * `--liveness-interval` and `--liveness-timeout` as given. `--ping-interval` asks for js-libp2p's connection
 * monitor (ping streams) instead, so the two ways cannot be asked for together.
 *
 * @throws {InvalidFlagError} for a duration out of range, or a liveness flag beside `--ping-interval`
 */
export function readLivenessConfig (reader: LivenessFlagReader): LivenessConfig {
  const given = LIVENESS_FLAGS.map(f => reader.one(f.name)).find(r => r != null)
  const ping = reader.one('ping-interval')
  if (given != null && ping != null) {
    throw new InvalidFlagError(`${given.where} sets the Yamux ping check, but ${ping.where} asks for js-libp2p's ping streams instead; give one of them`)
  }
  return {
    ...(reader.one('liveness-interval') != null ? { livenessInterval: reader.duration('liveness-interval', DEFAULT_LIVENESS_INTERVAL) } : {}),
    ...(reader.one('liveness-timeout') != null ? { livenessTimeout: reader.duration('liveness-timeout', DEFAULT_LIVENESS_TIMEOUT) } : {})
  }
}
