import type { Entry } from './entry.ts'

/** Entries per chunk: small enough that a splice inside one is cheap, large enough that the chunk list stays short */
const CHUNK_SIZE = 256

/**
 * Entries in ascending position order. Positions only grow, so an insert is always an append; the entries
 * live in a list of sorted chunks, so that finding a position is a binary search over chunks and then
 * within one (O(log n)), reading `limit` entries from there touches O(limit) entries, and a removal
 * splices one short chunk.
 */
export class PositionLog {
  private readonly chunks: Entry[][] = []
  private count = 0

  get size (): number {
    return this.count
  }

  /** Add an entry whose position is higher than every entry's in the log */
  append (entry: Entry): void {
    const last = this.chunks[this.chunks.length - 1]

    if (last == null || last.length >= CHUNK_SIZE) {
      this.chunks.push([entry])
    } else {
      last.push(entry)
    }

    this.count++
  }

  /** Take out an entry that is in the log (found by its position) */
  delete (entry: Entry): void {
    const chunkIndex = this.chunkHolding(entry.position)
    const chunk = this.chunks[chunkIndex]
    const index = firstAfter(chunk, entry.position - 1)

    if (chunk[index] !== entry) {
      throw new Error(`position log out of step: entry at position ${entry.position} not found`)
    }

    chunk.splice(index, 1)
    this.count--

    if (chunk.length === 0) {
      this.chunks.splice(chunkIndex, 1)
      return
    }

    // merge a thinned chunk into its predecessor, so the chunk list does not fill up with near-empty chunks
    if (chunk.length < CHUNK_SIZE / 4 && chunkIndex > 0) {
      const previous = this.chunks[chunkIndex - 1]

      if (previous.length + chunk.length <= CHUNK_SIZE) {
        previous.push(...chunk)
        this.chunks.splice(chunkIndex, 1)
      }
    }
  }

  /**
   * Visit entries with a position greater than `after`, in order, until `visit` returns `false` or the log
   * ends.
   */
  forEachAfter (after: number, visit: (entry: Entry) => boolean): void {
    const chunks = this.chunks
    let chunkIndex = this.firstChunkEndingAfter(after)

    if (chunkIndex >= chunks.length) {
      return
    }

    let index = firstAfter(chunks[chunkIndex], after)

    for (; chunkIndex < chunks.length; chunkIndex++, index = 0) {
      const chunk = chunks[chunkIndex]

      for (; index < chunk.length; index++) {
        if (!visit(chunk[index])) {
          return
        }
      }
    }
  }

  clear (): void {
    this.chunks.length = 0
    this.count = 0
  }

  /** The chunk whose range holds a position: the last chunk starting at or before it */
  private chunkHolding (position: number): number {
    const chunks = this.chunks
    let low = 0
    let high = chunks.length - 1

    while (low < high) {
      const middle = (low + high + 1) >> 1

      if (chunks[middle][0].position <= position) {
        low = middle
      } else {
        high = middle - 1
      }
    }

    return low
  }

  /** The first chunk whose last entry's position is greater than `after` (chunks.length if none) */
  private firstChunkEndingAfter (after: number): number {
    const chunks = this.chunks
    let low = 0
    let high = chunks.length

    while (low < high) {
      const middle = (low + high) >> 1
      const chunk = chunks[middle]

      if (chunk[chunk.length - 1].position > after) {
        high = middle
      } else {
        low = middle + 1
      }
    }

    return low
  }
}

/** The index of the first entry of a sorted chunk with a position greater than `after` */
function firstAfter (chunk: Entry[], after: number): number {
  let low = 0
  let high = chunk.length

  while (low < high) {
    const middle = (low + high) >> 1

    if (chunk[middle].position > after) {
      high = middle
    } else {
      low = middle + 1
    }
  }

  return low
}
