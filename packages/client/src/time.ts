/** Milliseconds since the epoch */
export type Clock = () => number

/**
 * The timers the client and the discovery schedule on: Node's and the browsers' by default, a manual set
 * in tests (`@rendezvous/test-utils`' `ManualTimers`), so that a test moves time instead of waiting for it
 */
export interface Timers {
  /** Call `callback` once, after `ms` milliseconds; returns a handle for {@link Timers.clearTimeout} */
  setTimeout(callback: () => void, ms: number): unknown
  /** Cancel a timer that has not fired; `undefined` and handles of fired timers are ignored */
  clearTimeout(handle: unknown): void
}

/** setTimeout holds at most 2^31 - 1 ms (24.8 days); longer delays fire at once */
const MAX_TIMER_DELAY = 2 ** 31 - 1

/**
 * The platform's timers, each one `unref`ed where the platform has it: a refresh due in an hour must not
 * keep a Node.js process alive that has nothing else left to do
 */
export const realTimers: Timers = {
  setTimeout (callback, ms) {
    const timer = globalThis.setTimeout(callback, Math.min(Math.max(0, ms), MAX_TIMER_DELAY))
    // browsers return a number, Node.js an object that can be unref'ed
    ;(timer as { unref?(): void }).unref?.()
    return timer
  },
  clearTimeout (handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout> | undefined)
  }
}

/**
 * A signal that aborts with a `TimeoutError` after `ms` on `timers` (what `AbortSignal.timeout` does on
 * the real clock). The timer is cleared by `dispose()` so that a finished request leaves nothing behind.
 */
export function timeoutSignal (timers: Timers, ms: number): { signal: AbortSignal, dispose(): void } {
  const controller = new AbortController()
  const timer = timers.setTimeout(() => {
    controller.abort(new DOMException(`the operation timed out after ${ms} ms`, 'TimeoutError'))
  }, ms)
  return { signal: controller.signal, dispose: () => { timers.clearTimeout(timer) } }
}

/** Resolves after `ms` on `timers`, or at once when the signal aborts */
export async function delay (timers: Timers, ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>(resolve => {
    const timer = timers.setTimeout(done, ms)
    function done (): void {
      timers.clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
