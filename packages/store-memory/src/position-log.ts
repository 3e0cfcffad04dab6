import type { Entry } from './entry.ts'

/** Slots per chunk: small enough that compacting one is cheap, large enough that the chunk list stays short */
export const CHUNK_SIZE = 256

/**
 * Entries in ascending position order. Positions only grow, so an insert is always an append.
 *
 * The entries live in a list of chunks, with their positions in parallel arrays of numbers: finding a
 * position is a binary search over the chunks' first positions and then within one chunk (O(log n),
 * without visiting entries). A removal leaves a hole (`null`) in O(log n); a chunk that is more than half
 * holes is compacted, and an empty one dropped, so a read of `limit` entries from any position visits at
 * most about 2 × limit slots plus one chunk.
 */
export class PositionLog {
  private readonly chunks: Array<Array<Entry | null>> = []
  private readonly positions: number[][] = []

  /** The number of holes in each chunk */
  private readonly holes: number[] = []

  /** The first position of each chunk (of a slot, live or hole) */
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
      this.holes.push(0)
      this.starts.push(entry.position)
    } else {
      this.chunks[last].push(entry)
      this.positions[last].push(entry.position)
    }

    this.count++
  }

  /** Take out an entry that is in the log (found by its position, which must not have changed since it was appended) */
  delete (entry: Entry): void {
    const chunkIndex = lastAtOrBefore(this.starts, entry.position)
    const chunk = this.chunks[chunkIndex]
    const index = firstAfter(this.positions[chunkIndex], entry.position - 1)

    if (chunk[index] !== entry) {
      throw new Error(`position log out of step: entry at position ${entry.position} not found`)
    }

    chunk[index] = null
    this.count--
    const holes = ++this.holes[chunkIndex]

    if (holes === chunk.length) {
      this.dropChunk(chunkIndex)
    } else if (holes * 2 > chunk.length) {
      this.compactChunk(chunkIndex)
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
        const entry = chunk[index]

        if (entry !== null && !visit(entry)) {
          return
        }
      }
    }
  }

  clear (): void {
    this.chunks.length = 0
    this.positions.length = 0
    this.holes.length = 0
    this.starts.length = 0
    this.count = 0
  }

  /** For tests: each chunk's slots and holes, and a check of the invariants */
  shape (): Array<{ slots: number, holes: number }> {
    let live = 0

    const shape = this.chunks.map((chunk, i) => {
      const holes = chunk.filter(entry => entry === null).length

      if (holes !== this.holes[i] || holes === chunk.length || holes * 2 > chunk.length || this.starts[i] !== this.positions[i][0]) {
        throw new Error(`chunk ${i} is inconsistent`)
      }

      chunk.forEach((entry, j) => {
        if (entry !== null && entry.position !== this.positions[i][j]) {
          throw new Error(`chunk ${i} slot ${j}: position out of step`)
        }
      })

      live += chunk.length - holes
      return { slots: chunk.length, holes }
    })

    if (live !== this.count) {
      throw new Error(`count ${this.count} but ${live} live entries`)
    }

    return shape
  }

  private dropChunk (chunkIndex: number): void {
    this.chunks.splice(chunkIndex, 1)
    this.positions.splice(chunkIndex, 1)
    this.holes.splice(chunkIndex, 1)
    this.starts.splice(chunkIndex, 1)
  }

  /** Squeeze the holes out of a chunk, then merge it into its predecessor if both fit in one */
  private compactChunk (chunkIndex: number): void {
    const chunk = this.chunks[chunkIndex]
    const positions = this.positions[chunkIndex]
    let kept = 0

    for (let i = 0; i < chunk.length; i++) {
      const entry = chunk[i]

      if (entry !== null) {
        chunk[kept] = entry
        positions[kept] = positions[i]
        kept++
      }
    }

    chunk.length = kept
    positions.length = kept
    this.holes[chunkIndex] = 0
    this.starts[chunkIndex] = positions[0]

    const previous = chunkIndex - 1

    if (previous >= 0 && this.chunks[previous].length + kept <= CHUNK_SIZE) {
      this.chunks[previous].push(...chunk)
      this.positions[previous].push(...positions)
      this.dropChunk(chunkIndex)
    }
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
