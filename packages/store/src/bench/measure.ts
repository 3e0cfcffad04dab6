import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** The result of running one operation repeatedly */
export interface Rate {
  /** Operations completed */
  operations: number

  /** Seconds they took */
  seconds: number

  /** Operations per second */
  perSecond: number
}

/**
 * Run `operation` one call at a time (each awaited before the next) until `durationMs` has passed or
 * `maxOperations` ran, whichever comes first.
 */
export async function measureRate (operation: (i: number) => Promise<unknown>, durationMs: number, maxOperations = 10_000_000): Promise<Rate> {
  const start = performance.now()
  const deadline = start + durationMs
  let operations = 0
  let now = start

  while (operations < maxOperations) {
    await operation(operations)
    operations++

    // reading the time costs about as much as a cheap operation: look every 16 operations
    if ((operations & 15) === 0) {
      now = performance.now()

      if (now >= deadline) {
        break
      }
    }
  }

  now = performance.now()
  const seconds = (now - start) / 1000
  return { operations, seconds, perSecond: operations / seconds }
}

let collect: (() => void) | undefined

/** A full garbage collection: `global.gc` under `--expose-gc`, or one obtained through V8 flags */
export function gc (): void {
  if (collect == null) {
    const exposed = (globalThis as any).gc

    if (typeof exposed === 'function') {
      collect = exposed
    } else {
      setFlagsFromString('--expose-gc')
      collect = runInNewContext('gc')
    }
  }

  // twice: the first pass may only queue finalisers that free more
  collect?.()
  collect?.()
}

/** Bytes of JavaScript heap plus array buffers (envelopes live outside the heap), after a full collection */
export function heapBytes (): number {
  gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/** The total size of the files under a directory */
export async function directoryBytes (directory: string): Promise<number> {
  let total = 0

  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name)

    if (entry.isDirectory()) {
      total += await directoryBytes(path)
    } else if (entry.isFile()) {
      total += (await stat(path)).size
    }
  }

  return total
}

/** A small, fast, seeded random number generator (xorshift32), so runs pick the same keys */
export function seededRandom (seed = 0x9e3779b9): () => number {
  let state = seed >>> 0 === 0 ? 1 : seed >>> 0

  return () => {
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 0x100000000
  }
}

/** Parse `10000,100k,1M` */
export function parseSizes (value: string): number[] {
  return value.split(',').map(part => part.trim()).filter(part => part !== '').map(part => {
    const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(part)

    if (match == null) {
      throw new Error(`BENCH_SIZES: cannot read ${JSON.stringify(part)}; write sizes like 10000,100k,1M`)
    }

    const factor = match[2] === '' ? 1 : match[2].toLowerCase() === 'k' ? 1_000 : 1_000_000
    return Math.round(Number(match[1]) * factor)
  })
}
