/** The signals that stop the daemon gracefully */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** One of {@link SHUTDOWN_SIGNALS} */
export type ShutdownSignal = typeof SHUTDOWN_SIGNALS[number]

/**
 * Call `onFirst` on the first SIGINT or SIGTERM, and `onRepeat` on any later one (an operator pressing
 * Ctrl-C twice wants out now). Returns a function that removes the handlers.
 */
export function onShutdownSignal (onFirst: (signal: ShutdownSignal) => void, onRepeat: (signal: ShutdownSignal) => void): () => void {
  let received = false
  const handlers = SHUTDOWN_SIGNALS.map(signal => {
    const handler = (): void => {
      if (received) {
        onRepeat(signal)
        return
      }
      received = true
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
