import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** The result of running one operation repeatedly */
export interface Rate {
  /** Operations completed, over all rounds */
  operations: number

  /** Seconds they took, over all rounds */
  seconds: number

  /** Operations per second: the median of the rounds' rates */
  perSecond: number

  /** Each round's operations per second */
  rounds: number[]

  /** CPU seconds the process used over all rounds (all its threads: the main one, libuv's pool, the garbage collector's) */
  cpuSeconds: number

  /**
   * Operations per CPU-second of the process. On a machine shared with other work, wall-clock rates
   * measure the share of a core the process got; this estimates what a dedicated core does (it leaves out
   * time spent waiting for a disk).
   */
  perCpuSecond: number
}

export interface MeasureOptions {
  /** Total time to measure for, in milliseconds. Default 1000 */
  durationMs?: number

  /** The time is split into this many rounds, and the median round's rate is reported (robust against a pause in one). Default 5 */
  rounds?: number

  /** Stop a round after this many operations, however fast they are. Default 10 000 000 */
  maxOperations?: number

  /**
   * Operations in flight at once: this many loops, each awaiting its own operation before starting the
   * next, share each round's deadline and its `maxOperations`. Default 1 (one awaited at a time)
   */
  concurrency?: number
}

/**
 * Run `operation` for `rounds` rounds of `durationMs / rounds` each, one call at a time (each awaited
 * before the next) or `concurrency` at a time, and report the median rate. Each call gets its own index.
 */
export async function measureRate (operation: (i: number) => Promise<unknown>, options: MeasureOptions = {}): Promise<Rate> {
  const rounds = Math.max(1, options.rounds ?? 5)
  const roundMs = (options.durationMs ?? 1000) / rounds
  const maxOperations = options.maxOperations ?? 10_000_000
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1))
  const rates: number[] = []
  let operations = 0
  let seconds = 0
  const cpuBefore = process.cpuUsage()

  for (let round = 0; round < rounds; round++) {
    const start = performance.now()
    const done = await runRound(operation, operations, start + roundMs, maxOperations, concurrency)
    const elapsed = (performance.now() - start) / 1000
    rates.push(done / elapsed)
    operations += done
    seconds += elapsed
  }

  const cpu = process.cpuUsage(cpuBefore)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const sorted = [...rates].sort((a, b) => a - b)
  return { operations, seconds, perSecond: sorted[Math.floor(sorted.length / 2)], rounds: rates, cpuSeconds, perCpuSecond: operations / cpuSeconds }
}

/**
 * One round: `concurrency` loops, each awaiting its operation before starting its next, until the deadline
 * or until the round has started `maxOperations`. Operations are numbered from `first`. Returns how many
 * completed.
 */
async function runRound (operation: (i: number) => Promise<unknown>, first: number, deadline: number, maxOperations: number, concurrency: number): Promise<number> {
  let started = 0
  let done = 0

  const loop = async (): Promise<void> => {
    while (started < maxOperations) {
      await operation(first + started++)
      done++

      // reading the time costs about as much as a cheap operation: one loop alone looks every 8 operations;
      // with several, each looks after every operation of its own, or a loop could overrun the deadline
      if ((concurrency > 1 || (done & 7) === 0) && performance.now() >= deadline) {
        break
      }
    }
  }

  await Promise.all(Array.from({ length: concurrency }, loop))
  return done
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

    const factor = { '': 1, k: 1_000, m: 1_000_000 }[match[2].toLowerCase()] ?? 1
    return Math.round(Number(match[1]) * factor)
  })
}
