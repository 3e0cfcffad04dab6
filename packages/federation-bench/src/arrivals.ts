/**
 * Waits for keyed events (a registration landing somewhere) without polling: `expect` before the event can
 * happen, `arrive` when it does, `wait` for it with a deadline.
 */
export class Arrivals<T> {
  private readonly waiting = new Map<string, { resolve(value: T): void, timer: ReturnType<typeof setTimeout> }>()
  private readonly early = new Map<string, T>()

  arrive (key: string, value: T): void {
    const waiter = this.waiting.get(key)
    if (waiter != null) {
      this.waiting.delete(key)
      clearTimeout(waiter.timer)
      waiter.resolve(value)
    } else {
      this.early.set(key, value)
    }
  }

  async wait (key: string, timeout: number): Promise<T> {
    const early = this.early.get(key)
    if (early !== undefined) {
      this.early.delete(key)
      return early
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key)
        reject(new Error(`${key} did not arrive within ${timeout} ms`))
      }, timeout)
      this.waiting.set(key, { resolve, timer })
    })
  }
}
