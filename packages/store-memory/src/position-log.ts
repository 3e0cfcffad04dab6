import type { Entry } from './entry.ts'

/** Entries per chunk: small enough that a splice inside one is cheap, large enough that the chunk list stays short */
const CHUNK_SIZE = 256

/**
 * Entries in ascending position order. Positions only grow, so an insert is always an append. The entries
 * live in a list of sorted chunks, with their positions in parallel arrays of numbers: finding a position
 * is a binary search over the chunks' first positions and then within one chunk (O(log n), without
 * visiting entries), reading `limit` entries from there touches O(limit) entries, and a removal splices
 * one short chunk.
 */
export class PositionLog {
  private readonly chunks: Entry[][] = []
  private readonly positions: number[][] = []

  /** The first position of each chunk */
  private readonly starts: number[] = []
  private count = 0

  get size (): number {
    return this.count
  }

  /** Add an entry whose position is higher than every entry's in the log */
  append (entry: Entry): void {
    const last = this.chunks.length - 1

    if (last < 0 || this.chunks[last].length >= CHUNK_SIZE) {
      this.chunks.push([entry])
      this.positions.push([entry.position])
      this.starts.push(entry.position)
    } else {
      this.chunks[last].push(entry)
      this.positions[last].push(entry.position)
    }

    this.count++
  }

  /** Take out an entry that is in the log (found by its position) */
  delete (entry: Entry): void {
    const chunkIndex = lastAtOrBefore(this.starts, entry.position)
    const chunk = this.chunks[chunkIndex]
    const positions = this.positions[chunkIndex]
    const index = firstAfter(positions, entry.position - 1)

    if (chunk[index] !== entry) {
      throw new Error(`position log out of step: entry at position ${entry.position} not found`)
    }

    chunk.splice(index, 1)
    positions.splice(index, 1)
    this.count--

    if (chunk.length === 0) {
      this.chunks.splice(chunkIndex, 1)
      this.positions.splice(chunkIndex, 1)
      this.starts.splice(chunkIndex, 1)
      return
    }

    if (index === 0) {
      this.starts[chunkIndex] = positions[0]
    }

    // merge a thinned chunk into its predecessor, so the chunk list does not fill up with near-empty chunks
    if (chunk.length < CHUNK_SIZE / 4 && chunkIndex > 0 && this.chunks[chunkIndex - 1].length + chunk.length <= CHUNK_SIZE) {
      this.chunks[chunkIndex - 1].push(...chunk)
      this.positions[chunkIndex - 1].push(...positions)
      this.chunks.splice(chunkIndex, 1)
      this.positions.splice(chunkIndex, 1)
      this.starts.splice(chunkIndex, 1)
    }
  }

  /**
   * Visit entries with a position greater than `after`, in order, until `visit` returns `false` or the log
   * ends.
   */
  forEachAfter (after: number, visit: (entry: Entry) => boolean): void {
    const chunks = this.chunks

    if (chunks.length === 0) {
      return
    }

    // start in the last chunk starting at or before `after`; if all of it is at or before `after`, the
    // loop moves on to the next chunk
    let chunkIndex = lastAtOrBefore(this.starts, after)
    let index = firstAfter(this.positions[chunkIndex], after)

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
    this.positions.length = 0
    this.starts.length = 0
    this.count = 0
  }

  /** For tests: the number of chunks and their lengths */
  shape (): number[] {
    return this.chunks.map(chunk => chunk.length)
  }
}

/** The index of the last number at or before `value` in an ascending array (0 if none is) */
function lastAtOrBefore (sorted: number[], value: number): number {
  let low = 0
  let high = sorted.length - 1

  while (low < high) {
    const middle = (low + high + 1) >> 1

    if (sorted[middle] <= value) {
      low = middle
    } else {
      high = middle - 1
    }
  }

  return low
}

/** The index of the first number greater than `after` in an ascending array (its length if none is) */
function firstAfter (sorted: number[], after: number): number {
  let low = 0
  let high = sorted.length

  while (low < high) {
    const middle = (low + high) >> 1

    if (sorted[middle] > after) {
      high = middle
    } else {
      low = middle + 1
    }
  }

  return low
}
