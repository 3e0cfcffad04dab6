/**
 * @packageDocumentation
 *
 * `@rendezvous/server/internal`: what this repository's own packages (the daemon of `@rendezvous/cli`, its
 * tests) take from the server beyond its public face. **Not covered by semver**: any release may change or
 * remove these names. Applications use `@rendezvous/server`.
 */

/** Builds the server's event target without a server, to drive a listener of its events in a test */
export { ServerEvents } from './server-events.ts'

/** Checks a federation option and fills in its defaults, as the server does when it starts */
export { resolveFederation } from './federation-config.ts'
export type { FederationConfig } from './federation-config.ts'

/** The defaults of the connection guard's and the answer budget's options, which the daemon's help shows */
export {
  DEFAULT_GUARD_MAX_CONNECTIONS, DEFAULT_MAX_PENDING_PER_IP, DEFAULT_MAX_UNPROVEN_PER_IP, DEFAULT_CONNECTION_IDLE_TIMEOUT,
  DEFAULT_MAX_RECORD_BYTES, DEFAULT_DISCOVER_BYTES_PER_SECOND
} from './constants.ts'
