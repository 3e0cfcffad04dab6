import { RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'
import { formatDuration } from './duration.ts'
import { InvalidFlagError } from './errors.ts'
import type { FlagSpec } from './config.ts'

/**
 * The namespace relays register under at a rendezvous point: the circuit relay v2 HOP protocol ID, which
 * every libp2p implementation already knows, so that browser nodes (and any other peer without a public
 * address) can DISCOVER relays at a point they know (docs/browser.md)
 */
export const RELAY_NAMESPACE = RELAY_V2_HOP_CODEC

/** Reservations a `--relay` daemon holds at once unless told otherwise (js-libp2p's default) */
export const DEFAULT_RELAY_MAX_RESERVATIONS = 15

/** Seconds a reservation lasts before the holder must renew it (js-libp2p's default, 2 h) */
export const DEFAULT_RELAY_RESERVATION_TTL = 7200

/** Seconds one relayed connection may last (js-libp2p's default, 2 min) */
export const DEFAULT_RELAY_DURATION_LIMIT = 120

/** Bytes one relayed connection may carry in each direction (js-libp2p's default, 128 KiB) */
export const DEFAULT_RELAY_DATA_LIMIT = 131072

/** What `--relay` and its limits ask for */
export interface RelayConfig {
  /** Reservations held at once */
  maxReservations: number
  /** Seconds a reservation lasts */
  reservationTtl: number
  /** Seconds one relayed connection may last */
  durationLimit: number
  /** Bytes one relayed connection may carry in each direction */
  dataLimit: number
}

/** The flags of the circuit relay, in the order help text lists them */
export const RELAY_FLAGS: readonly FlagSpec[] = [
  { name: 'relay', env: 'RENDEZVOUS_RELAY', type: 'boolean', description: `also run a circuit relay v2 server, registered at this point under ${RELAY_NAMESPACE}`, defaultText: 'off' },
  { name: 'relay-max-reservations', env: 'RENDEZVOUS_RELAY_MAX_RESERVATIONS', type: 'string', value: '<n>', description: 'relay reservations held at once', defaultText: String(DEFAULT_RELAY_MAX_RESERVATIONS) },
  { name: 'relay-reservation-ttl', env: 'RENDEZVOUS_RELAY_RESERVATION_TTL', type: 'string', value: '<duration>', description: 'how long a relay reservation lasts before it must be renewed', defaultText: formatDuration(DEFAULT_RELAY_RESERVATION_TTL) },
  { name: 'relay-duration-limit', env: 'RENDEZVOUS_RELAY_DURATION_LIMIT', type: 'string', value: '<duration>', description: 'how long one relayed connection may last', defaultText: formatDuration(DEFAULT_RELAY_DURATION_LIMIT) },
  { name: 'relay-data-limit', env: 'RENDEZVOUS_RELAY_DATA_LIMIT', type: 'string', value: '<bytes>', description: 'bytes one relayed connection may carry in each direction', defaultText: String(DEFAULT_RELAY_DATA_LIMIT) }
]

/** What {@link readRelayConfig} needs of the daemon's flag reader */
export interface RelayFlagReader {
  flag(name: string): { value: boolean } | undefined
  one(name: string): { value: string, where: string } | undefined
  duration(name: string, fallback: number): number
  count(name: string, fallback: number): number
}

/**
 * The relay's configuration, or `undefined` without `--relay`
 *
 * @throws {InvalidFlagError} for a limit out of range, or a limit given without `--relay`
 */
export function readRelayConfig (reader: RelayFlagReader): RelayConfig | undefined {
  if (reader.flag('relay')?.value !== true) {
    const stray = RELAY_FLAGS.slice(1).map(f => reader.one(f.name)).find(r => r != null)
    if (stray != null) {
      throw new InvalidFlagError(`${stray.where} sets a relay limit, but the relay is off; add --relay`)
    }
    return undefined
  }
  return {
    maxReservations: reader.count('relay-max-reservations', DEFAULT_RELAY_MAX_RESERVATIONS),
    reservationTtl: reader.duration('relay-reservation-ttl', DEFAULT_RELAY_RESERVATION_TTL),
    durationLimit: reader.duration('relay-duration-limit', DEFAULT_RELAY_DURATION_LIMIT),
    dataLimit: reader.count('relay-data-limit', DEFAULT_RELAY_DATA_LIMIT)
  }
}
