/** The signals that stop the daemon gracefully */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** One of {@link SHUTDOWN_SIGNALS} */
export type ShutdownSignal = typeof SHUTDOWN_SIGNALS[number]

/**
 * A signal this soon after the first is the same Ctrl-C delivered twice: the terminal sends SIGINT to the
 * whole process group, and a parent such as `pnpm start` forwards the one it got to its child as well
 */
export const REPEAT_SIGNAL_WINDOW_MS = 250

/**
 * Call `onFirst` on the first SIGINT or SIGTERM, and `onRepeat` on any later one (an operator pressing
 * Ctrl-C twice wants out now) that comes more than {@link REPEAT_SIGNAL_WINDOW_MS} after the first.
 * Returns a function that removes the handlers.
 */
export function onShutdownSignal (onFirst: (signal: ShutdownSignal) => void, onRepeat: (signal: ShutdownSignal) => void, now: () => number = Date.now): () => void {
  let receivedAt: number | undefined
  const handlers = SHUTDOWN_SIGNALS.map(signal => {
    const handler = (): void => {
      if (receivedAt != null) {
        if (now() - receivedAt > REPEAT_SIGNAL_WINDOW_MS) {
          onRepeat(signal)
        }
        return
      }
      receivedAt = now()
      onFirst(signal)
    }
    process.on(signal, handler)
    return { signal, handler }
  })
  return () => {
    for (const { signal, handler } of handlers) {
      process.off(signal, handler)
    }
  }
}
