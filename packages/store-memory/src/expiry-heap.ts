import type { Entry } from './entry.ts'

/**
 * A binary min-heap of entries by expiry. Each entry knows its index, so a refresh or a removal takes it
 * out in O(log n) at once: there is no lazy deletion, and so no stale items for `expire` to wade through.
 * The expiries sit in a parallel array of numbers, so sifting compares without visiting the entries.
 */
export class ExpiryHeap {
  private readonly items: Entry[] = []
  private readonly keys: number[] = []

  get size (): number {
    return this.items.length
  }

  peek (): Entry | undefined {
    return this.items[0]
  }

  push (entry: Entry): void {
    this.items.push(entry)
    this.keys.push(entry.expiresAt)
    this.up(this.items.length - 1, entry, entry.expiresAt)
  }

  /** Take out an entry that is in the heap */
  delete (entry: Entry): void {
    const index = entry.heapIndex
    const last = this.items.pop() as Entry
    const lastKey = this.keys.pop() as number
    entry.heapIndex = -1

    if (last === entry) {
      return
    }

    this.place(index, last, lastKey)
  }

  /** Re-place an entry whose `expiresAt` changed */
  update (entry: Entry): void {
    this.place(entry.heapIndex, entry, entry.expiresAt)
  }

  /**
   * How many entries expire at or before `now`. Walks only the part of the heap at or before `now` (and
   * the children just past it): O(expired), not O(n).
   */
  countDue (now: number): number {
    const keys = this.keys
    const length = keys.length

    if (length === 0 || keys[0] > now) {
      return 0
    }

    let count = 0
    const stack = [0]

    while (stack.length > 0) {
      const index = stack.pop() as number
      count++
      const left = 2 * index + 1

      if (left < length && keys[left] <= now) { stack.push(left) }
      if (left + 1 < length && keys[left + 1] <= now) { stack.push(left + 1) }
    }

    return count
  }

  clear (): void {
    this.items.length = 0
    this.keys.length = 0
  }

  /** Put an entry at `index` and move it up or down to where its key belongs */
  private place (index: number, entry: Entry, key: number): void {
    if (index > 0 && this.keys[(index - 1) >> 1] > key) {
      this.up(index, entry, key)
    } else {
      this.down(index, entry, key)
    }
  }

  private up (index: number, entry: Entry, key: number): void {
    const keys = this.keys

    while (index > 0) {
      const parent = (index - 1) >> 1

      if (keys[parent] <= key) {
        break
      }

      this.set(index, this.items[parent], keys[parent])
      index = parent
    }

    this.set(index, entry, key)
  }

  private down (index: number, entry: Entry, key: number): void {
    const { items, keys } = this
    const length = items.length

    while (true) {
      const left = 2 * index + 1

      if (left >= length) {
        break
      }

      const child = left + 1 < length && keys[left + 1] < keys[left] ? left + 1 : left

      if (keys[child] >= key) {
        break
      }

      this.set(index, items[child], keys[child])
      index = child
    }

    this.set(index, entry, key)
  }

  /** Put an entry and its key in a slot, and tell the entry which */
  private set (index: number, entry: Entry, key: number): void {
    this.items[index] = entry
    this.keys[index] = key
    entry.heapIndex = index
  }
}
