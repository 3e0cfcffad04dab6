import type { Entry } from './entry.ts'

/**
 * A binary min-heap of entries by expiry. Each entry knows its index, so a refresh or a removal takes it
 * out in O(log n) at once: there is no lazy deletion, and so no stale items for `expire` to wade through.
 */
export class ExpiryHeap {
  private readonly items: Entry[] = []

  get size (): number {
    return this.items.length
  }

  peek (): Entry | undefined {
    return this.items[0]
  }

  push (entry: Entry): void {
    entry.heapIndex = this.items.length
    this.items.push(entry)
    this.up(entry.heapIndex)
  }

  /** Take out an entry that is in the heap */
  delete (entry: Entry): void {
    const index = entry.heapIndex
    const last = this.items.pop() as Entry
    entry.heapIndex = -1

    if (last === entry) {
      return
    }

    this.items[index] = last
    last.heapIndex = index

    // the moved entry may belong above or below its new place
    if (index > 0 && this.items[(index - 1) >> 1].expiresAt > last.expiresAt) {
      this.up(index)
    } else {
      this.down(index)
    }
  }

  /** Re-place an entry whose expiry changed */
  update (entry: Entry): void {
    const index = entry.heapIndex

    if (index > 0 && this.items[(index - 1) >> 1].expiresAt > entry.expiresAt) {
      this.up(index)
    } else {
      this.down(index)
    }
  }

  /**
   * How many entries expire at or before `now`. Walks only the part of the heap at or before `now` (and
   * the children just past it): O(expired), not O(n).
   */
  countDue (now: number): number {
    const items = this.items
    let count = 0

    if (items.length === 0 || items[0].expiresAt > now) {
      return 0
    }

    const stack = [0]

    while (stack.length > 0) {
      const index = stack.pop() as number
      count++
      const left = 2 * index + 1
      const right = left + 1

      if (left < items.length && items[left].expiresAt <= now) { stack.push(left) }
      if (right < items.length && items[right].expiresAt <= now) { stack.push(right) }
    }

    return count
  }

  clear (): void {
    this.items.length = 0
  }

  private up (index: number): void {
    const items = this.items
    const entry = items[index]

    while (index > 0) {
      const parentIndex = (index - 1) >> 1
      const parent = items[parentIndex]

      if (parent.expiresAt <= entry.expiresAt) {
        break
      }

      items[index] = parent
      parent.heapIndex = index
      index = parentIndex
    }

    items[index] = entry
    entry.heapIndex = index
  }

  private down (index: number): void {
    const items = this.items
    const length = items.length
    const entry = items[index]

    while (true) {
      const left = 2 * index + 1

      if (left >= length) {
        break
      }

      const right = left + 1
      const child = right < length && items[right].expiresAt < items[left].expiresAt ? right : left

      if (items[child].expiresAt >= entry.expiresAt) {
        break
      }

      items[index] = items[child]
      items[index].heapIndex = index
      index = child
    }

    items[index] = entry
    entry.heapIndex = index
  }
}
