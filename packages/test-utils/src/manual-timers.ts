import { ManualClock } from '@rendezvous/store/compliance'
import { WAIT_TIMEOUT_MS } from './constants.ts'
import { WaitTimeoutError } from './errors.ts'
import type { WaitOptions } from './wait-for.ts'

interface ManualTimer {
  id: number
  due: number
  delay: number
  callback(): void
}

interface TimerWatch {
  accept(delay: number): boolean
  resolve(): void
}

/**
 * The store's {@link ManualClock} with timers on it: `setTimeout`/`clearTimeout` as a component that takes
 * injected timers expects them, and {@link ManualTimers.advance} fires the timers that fall due on the way,
 * in the order they are due (the order they were set among timers due at the same instant), with the clock
 * reading each timer's due time while its callback runs. Nothing fires until a test advances the clock, so
 * a test proves in milliseconds what a real clock would take seconds to show.
 */
export class ManualTimers extends ManualClock {
  private readonly timers = new Map<number, ManualTimer>()
  private readonly watches = new Set<TimerWatch>()
  private nextId = 1

  /** Call `callback` once the clock has been advanced `ms` milliseconds from now; returns the timer's handle */
  setTimeout (callback: () => void, ms: number): number {
    const delay = Math.max(0, ms)
    const timer = { id: this.nextId++, due: this.now + delay, delay, callback }
    this.timers.set(timer.id, timer)
    for (const watch of this.watches) {
      if (watch.accept(delay)) {
        this.watches.delete(watch)
        watch.resolve()
      }
    }
    return timer.id
  }

  /** Forget a timer that has not fired; any other handle is ignored */
  clearTimeout (handle: unknown): void {
    if (typeof handle === 'number') {
      this.timers.delete(handle)
    }
  }

  /** The delays of the timers that have not fired yet, in the order they are due */
  get pending (): number[] {
    return this.due().map(t => t.due - this.now)
  }

  /**
   * Move the clock forward by `ms`, firing every timer due by then, in order, timers that the callbacks set
   * within the window included; returns how many fired. A negative `ms` moves the clock back and fires
   * nothing.
   */
  override advance (ms: number): number {
    const target = this.now + ms
    let fired = 0
    for (let next = this.due()[0]; next != null && next.due <= target; next = this.due()[0]) {
      this.timers.delete(next.id)
      this.now = Math.max(this.now, next.due)
      fired++
      next.callback()
    }
    this.now = target
    return fired
  }

  /**
   * Resolves when a timer whose delay `accept` takes (any timer by default) is set from now on: how a test
   * learns that a component reached the point where it waits (a poll that ended and set the next one).
   * Rejects with {@link WaitTimeoutError} after `options.timeout` ms of real time.
   */
  async timerSet (accept: (delay: number) => boolean = () => true, options: WaitOptions = {}): Promise<void> {
    const timeout = options.timeout ?? WAIT_TIMEOUT_MS
    await new Promise<void>((resolve, reject) => {
      const watch: TimerWatch = {
        accept,
        resolve: () => {
          clearTimeout(deadline)
          resolve()
        }
      }
      // the test's own deadline runs on real time: the manual clock only moves when the test moves it
      const deadline = setTimeout(() => {
        this.watches.delete(watch)
        reject(new WaitTimeoutError(`no ${options.what ?? 'timer'} set within ${timeout} ms`))
      }, timeout)
      this.watches.add(watch)
    })
  }

  private due (): ManualTimer[] {
    return [...this.timers.values()].sort((a, b) => a.due - b.due || a.id - b.id)
  }
}
