import { WAIT_TIMEOUT_MS } from './constants.ts'
import { WaitTimeoutError } from './errors.ts'

export interface WaitOptions {
  /** Milliseconds before giving up; default {@link WAIT_TIMEOUT_MS} */
  timeout?: number
  /** What is awaited, for the error message */
  what?: string
}

/**
 * Resolves with the first event of that type on the target that `accept` takes (every one by default);
 * rejects with {@link WaitTimeoutError} after `timeout` ms. Subscribe BEFORE doing what fires the event.
 */
export async function waitForEvent<T extends Event = Event> (target: EventTarget, type: string, options: WaitOptions & { accept?(event: T): boolean } = {}): Promise<T> {
  const timeout = options.timeout ?? WAIT_TIMEOUT_MS
  return new Promise<T>((resolve, reject) => {
    const listener = (event: Event): void => {
      if (options.accept == null || options.accept(event as T)) {
        clearTimeout(timer)
        target.removeEventListener(type, listener)
        resolve(event as T)
      }
    }
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener)
      reject(new WaitTimeoutError(`no ${options.what ?? `"${type}" event`} within ${timeout} ms`))
    }, timeout)
    target.addEventListener(type, listener)
  })
}

/**
 * Resolves with the first truthy value of `check`, asked again after every turn of the event loop's timers
 * (for state that no event announces, such as a count in another process); rejects with
 * {@link WaitTimeoutError} after `timeout` ms
 */
export async function waitFor<T> (check: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? WAIT_TIMEOUT_MS
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await check()
    if (value != null && value !== false) {
      return value as NonNullable<T>
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(`${options.what ?? 'the condition'} not met within ${timeout} ms`)
    }
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
