import type { ComponentLogger, Logger } from '@libp2p/interface'

function noop (): void {}

const QUIET: Logger = Object.assign(noop, {
  error: noop,
  trace: noop,
  enabled: false,
  newScope: (): Logger => QUIET
})

/**
 * A component logger that logs nothing and creates nothing: one shared no-op logger for every component and
 * every stream. js-libp2p creates a logger per stream, and with debugging off each one still builds three
 * `debug` instances (and asks whether stderr is a TTY): about 8% of a REGISTER at the stack's floor
 * (docs/performance.md). Pass it as libp2p's `logger` when `DEBUG` is not set; with `DEBUG` set, leave
 * libp2p's default so the logs appear.
 */
export function quietLogger (): ComponentLogger {
  return { forComponent: () => QUIET }
}
