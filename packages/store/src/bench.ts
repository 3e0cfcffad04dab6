/**
 * @packageDocumentation
 *
 * The shared benchmark harness for {@link RegistrationStore} adapters. Every adapter runs the same
 * workload and prints the same Markdown table:
 *
 * - upserts per second (refreshes of random existing registrations, one awaited at a time, and `concurrency` in flight), and the rate of the initial fill (new registrations, several in flight);
 * - `discover` with limit 100 per second, in one random namespace from its start (one at a time, and `concurrency` in flight), and across all namespaces from a random position;
 * - `sample` with limit 20 per second in one random namespace;
 * - the time `expire` takes to delete 10% of the store;
 * - bytes per registration: heap and array buffers for in-memory stores, the size of the directory for the others;
 *
 * at 10k, 100k and 1M registrations spread over 100 namespaces, with 170-byte envelopes.
 *
 * ```ts
 * // benchmarks/run.ts, run with `node --expose-gc benchmarks/run.ts`
 * import { runStoreBenchmark } from '@rendezvous/store/bench'
 * import { memoryStore } from '../src/index.ts'
 *
 * await runStoreBenchmark({
 *   name: '@rendezvous/store-memory',
 *   create: ({ clock }) => memoryStore({ clock }),
 *   footprint: 'heap'
 * })
 * ```
 *
 * Environment: `BENCH_SIZES=10k,100k` picks the sizes (default `10k,100k,1M`), `BENCH_DURATION_MS=300`
 * the time each rate is measured for (default 1000), `BENCH_CONCURRENCY=10` the operations in flight of the
 * concurrent rows (default 16), `BENCH_SETTLE=0` measures right after each fill, without the adapter's
 * `settle` step, `BENCH_WARMUP_MS=0` without running each operation unmeasured first (default: as long as it
 * is measured).
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { directoryBytes, gc, heapBytes, measureRate, parseSizes, seededRandom } from './bench/measure.ts'
import { DEFAULT_START, ManualClock } from './compliance/harness.ts'
import type { MeasureOptions, Rate } from './bench/measure.ts'
import type { StoreFactory } from './compliance/harness.ts'
import type { NewRegistration, RegistrationStore } from './store.ts'

export type { Rate } from './bench/measure.ts'
export { measureRate, directoryBytes, heapBytes, parseSizes } from './bench/measure.ts'
export type { MeasureOptions } from './bench/measure.ts'

/** How to measure what a registration costs */
export type Footprint =
  /** Growth of `heapUsed + arrayBuffers` after a full garbage collection (for in-memory stores) */
  | 'heap'
  /** Size of the files in the store's directory after the fill, store still open (for persistent stores) */
  | 'disk'
  /** Your own measurement, in bytes for the whole store */
  | ((context: { store: RegistrationStore, directory: string }) => Promise<number>)

export interface StoreBenchmarkOptions {
  /** The adapter's name, printed above the table */
  name: string

  /** Opens an empty store in the given directory with the given clock (the same factory the compliance suite takes) */
  create: StoreFactory

  /** How to measure bytes per registration */
  footprint: Footprint

  /** Store sizes to measure. Default: `BENCH_SIZES` from the environment, or 10 000, 100 000 and 1 000 000 */
  sizes?: number[]

  /** Namespaces the registrations are spread over. Default 100 */
  namespaces?: number

  /** Bytes per signed envelope. Default 170 */
  envelopeBytes?: number

  /** How long each rate is measured for, in milliseconds. Default: `BENCH_DURATION_MS` from the environment, or 1000 */
  durationMs?: number

  /** Upserts in flight while filling the store. Default 64 */
  fillConcurrency?: number

  /**
   * Operations in flight in the concurrent rows (refreshes and discover(100)), as a rendezvous point serving
   * many peers has them. Default: `BENCH_CONCURRENCY` from the environment, or 16
   */
  concurrency?: number

  /**
   * Work the adapter's store does in the background after a bulk load, done at once after each fill (and
   * the footprint) and before anything is measured, so that the measurements see the store as it runs
   * once that work is done, not a transient of the fill. For PostgreSQL: `VACUUM ANALYZE` of the freshly
   * filled table and a `CHECKPOINT`, what autovacuum and the checkpointer would otherwise do in the first
   * minute of the measurements. Every adapter gets it at the same point; `BENCH_SETTLE=0` skips it (to see
   * what the store does right after the fill). Default: nothing to do
   */
  settle?(context: { store: RegistrationStore, directory: string }): Promise<void>

  /**
   * How long each rate's operation runs, unmeasured, right before it is measured, on the same store with the
   * same operations in flight. Right after a fill of a minute or more, the first second of an operation
   * measured the process warming up to it rather than the store (PostgreSQL's discover(100) with 16 in
   * flight at 1M read 4,443-4,672/s over 1 s, 5,907/s over 5 s, in the same conditions; see its README).
   * Default: `BENCH_WARMUP_MS` from the environment, or the measuring time
   */
  rateWarmupMs?: number

  /** Run a small store through every measurement first, unreported, so the code is compiled before it is timed. Default `true` */
  warmup?: boolean

  /** Where the table goes. Default `console.log` */
  output?(text: string): void

  /** Where progress goes. Default `console.error` */
  log?(text: string): void
}

/** The measurements at one store size */
export interface StoreBenchmarkRow {
  /** Registrations in the store */
  size: number

  /** New registrations per second while filling the store, `fillConcurrency` in flight */
  fillPerSecond: number

  /** Refreshes of random existing registrations per second, one at a time */
  upsertsPerSecond: number

  /** The same per CPU-second of the process (see {@link Rate.perCpuSecond}) */
  upsertsPerCpuSecond: number

  /** Refreshes of random existing registrations per second, `concurrency` in flight */
  upsertsInFlightPerSecond: number

  /** The same per CPU-second of the process */
  upsertsInFlightPerCpuSecond: number

  /** `discover({ namespace, limit: 100 })` per second, random namespace, from its start */
  discoverPerSecond: number

  /** The same per CPU-second of the process */
  discoverPerCpuSecond: number

  /** Registrations each of those returned, on average */
  discoverReturned: number

  /** The same discover, `concurrency` in flight, per second */
  discoverInFlightPerSecond: number

  /** The same per CPU-second of the process */
  discoverInFlightPerCpuSecond: number

  /** `discover({ after, limit: 100 })` per second across all namespaces, random position */
  discoverAllPerSecond: number

  /** The same per CPU-second of the process */
  discoverAllPerCpuSecond: number

  /** `sample(namespace, 20)` per second, random namespace */
  samplePerSecond: number

  /** The same per CPU-second of the process */
  samplePerCpuSecond: number

  /** Milliseconds one `expire()` took to delete 10% of the store */
  expireMs: number

  /** CPU milliseconds the process used meanwhile */
  expireCpuMs: number

  /** Registrations that `expire()` deleted */
  expired: number

  /** Bytes per registration, as `footprint` measures them */
  bytesPerRegistration: number

  /** Milliseconds the adapter's settle step took after the fill (0 without one, or with `BENCH_SETTLE=0`) */
  settleMs: number
}

const DEFAULT_SIZES = [10_000, 100_000, 1_000_000]
const DEFAULT_CONCURRENCY = 16
const EARLY_TTL = 3600
/** With 8 digits after it, as long as a real Ed25519 peer ID string (52 characters) and as cheap to make as possible */
const PEER_PREFIX = '12D3KooW' + 'BenchmarkPeer'.padEnd(36, 'x')
const TTL = 7200

/** Run the benchmark, print the table, and return the measurements */
export async function runStoreBenchmark (options: StoreBenchmarkOptions): Promise<StoreBenchmarkRow[]> {
  const output = options.output ?? ((text: string) => { console.log(text) }) // eslint-disable-line no-console
  const log = options.log ?? ((text: string) => { console.error(text) }) // eslint-disable-line no-console
  const sizes = options.sizes ?? parseSizes(fromEnvironment('BENCH_SIZES') ?? DEFAULT_SIZES.join(','))
  const durationMs = options.durationMs ?? Number(fromEnvironment('BENCH_DURATION_MS') ?? 1000)
  const concurrency = options.concurrency ?? Number(fromEnvironment('BENCH_CONCURRENCY') ?? DEFAULT_CONCURRENCY)
  const rateWarmupMs = options.rateWarmupMs ?? Number(fromEnvironment('BENCH_WARMUP_MS') ?? durationMs)

  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new Error(`BENCH_CONCURRENCY: expected an integer from 1 to 256, got ${String(concurrency)}`)
  }

  if (!Number.isFinite(rateWarmupMs) || rateWarmupMs < 0) {
    throw new Error(`BENCH_WARMUP_MS: expected a number of milliseconds, got ${String(rateWarmupMs)}`)
  }

  const settings: Settings = {
    settle: process.env.BENCH_SETTLE === '0' ? undefined : options.settle,
    rateWarmupMs,
    namespaces: options.namespaces ?? 100,
    envelopeBytes: options.envelopeBytes ?? 170,
    durationMs,
    fillConcurrency: options.fillConcurrency ?? 64,
    concurrency
  }
  const rows: StoreBenchmarkRow[] = []

  log(`${options.name}: sizes ${sizes.join(', ')}, ${settings.namespaces} namespaces, ${settings.envelopeBytes}-byte envelopes, ${durationMs} ms per rate, ${concurrency} in flight in the concurrent rows`)

  if (options.warmup !== false) {
    log('  warming up')
    await benchmarkSize(options, { ...settings, durationMs: Math.min(durationMs, 250) }, 5_000, () => {})
  }

  for (const size of sizes) {
    rows.push(await benchmarkSize(options, settings, size, log))
  }

  output(formatBenchmarkTable(options.name, rows, { ...settings, settled: settings.settle != null }))
  return rows
}

/** A variable of the environment, or undefined when it is unset or empty */
function fromEnvironment (name: string): string | undefined {
  const value = process.env[name]
  return value == null || value === '' ? undefined : value
}

interface Settings {
  settle: StoreBenchmarkOptions['settle']
  rateWarmupMs: number
  namespaces: number
  envelopeBytes: number
  durationMs: number
  fillConcurrency: number
  concurrency: number
}

async function benchmarkSize (options: StoreBenchmarkOptions, settings: Settings, size: number, log: (text: string) => void): Promise<StoreBenchmarkRow> {
  const directory = await mkdtemp(join(tmpdir(), 'rendezvous-store-bench-'))
  const clock = new ManualClock(DEFAULT_START)
  const random = seededRandom(size)
  const template = new Uint8Array(settings.envelopeBytes).map((_, i) => (i * 151 + 17) & 0xff)
  const namespaceNames = Array.from({ length: settings.namespaces }, (_, i) => `bench-namespace-${i}`)

  // registration i: namespace i mod n, a peer in two namespaces, one in ten expiring an hour earlier
  const registration = (i: number): NewRegistration => {
    const signedPeerRecord = template.slice()
    new DataView(signedPeerRecord.buffer).setUint32(0, i)
    const ttl = i % 10 === 0 ? EARLY_TTL : TTL
    return {
      namespace: namespaceNames[i % settings.namespaces],
      peerId: PEER_PREFIX + String(i >> 1).padStart(8, '0'),
      signedPeerRecord,
      format: 'standard',
      ttl,
      registeredAt: DEFAULT_START,
      expiresAt: DEFAULT_START + ttl * 1000
    }
  }

  const heapBefore = options.footprint === 'heap' ? heapBytes() : 0
  let store: RegistrationStore | undefined = await options.create({ clock: clock.clock, directory })

  try {
    log(`  ${size}: filling`)
    const fillStart = performance.now()
    let lastPosition = 0

    for (let i = 0; i < size; i += settings.fillConcurrency) {
      const batch: Array<Promise<{ position: number }>> = []

      for (let j = i; j < Math.min(size, i + settings.fillConcurrency); j++) {
        batch.push(store.upsert(registration(j)))
      }

      for (const { position } of await Promise.all(batch)) {
        lastPosition = Math.max(lastPosition, position)
      }
    }

    const fillSeconds = (performance.now() - fillStart) / 1000

    log(`  ${size}: measuring the footprint`)
    let bytes: number

    if (options.footprint === 'heap') {
      bytes = heapBytes() - heapBefore
    } else if (options.footprint === 'disk') {
      bytes = await directoryBytes(directory)
    } else {
      bytes = await options.footprint({ store, directory })
    }

    const live = await store.count()

    if (live !== size) {
      throw new Error(`${options.name}: the store holds ${live} registrations after upserting ${size}`)
    }

    let settleMs = 0

    if (settings.settle != null) {
      log(`  ${size}: settling`)
      const settleStart = performance.now()
      await settings.settle({ store, directory })
      settleMs = performance.now() - settleStart
    }

    // each rate: its operation run unmeasured first (see rateWarmupMs), then measured; `measuring` runs in between
    const rate = async (operation: (i: number) => Promise<unknown>, measure: MeasureOptions, measuring?: () => void): Promise<Rate> => {
      if (settings.rateWarmupMs > 0) {
        await measureRate(operation, { ...measure, durationMs: settings.rateWarmupMs, rounds: 1 })
      }

      measuring?.()
      return measureRate(operation, measure)
    }

    log(`  ${size}: upserts`)
    // refreshes of random existing registrations. The argument objects and their envelopes come from a small
    // pool, so they are in the CPU's cache like a registration just decoded from the network; the key is
    // random across the whole store and its peer ID a fresh string, as a decoder would make it
    const pool = Array.from({ length: 256 }, (_, j) => registration(j))
    const s = store
    const upserts = await rate(async (i) => {
      const key = Math.floor(random() * size)
      const refresh = pool[i & 255]
      const ttl = key % 10 === 0 ? EARLY_TTL : TTL
      refresh.namespace = namespaceNames[key % settings.namespaces]
      refresh.peerId = PEER_PREFIX + String(key >> 1).padStart(8, '0')
      refresh.ttl = ttl
      refresh.expiresAt = DEFAULT_START + ttl * 1000
      const upserted = await s.upsert(refresh)
      lastPosition = upserted.position
    }, { durationMs: settings.durationMs })

    log(`  ${size}: upserts, ${settings.concurrency} in flight`)
    // the same refreshes, each its own argument object (one in flight must not change under another); the
    // envelopes are shared, as nothing writes to them
    const upsertsInFlight = await rate(async (i) => {
      const key = Math.floor(random() * size)
      const ttl = key % 10 === 0 ? EARLY_TTL : TTL
      const upserted = await s.upsert({
        ...pool[i & 255],
        namespace: namespaceNames[key % settings.namespaces],
        peerId: PEER_PREFIX + String(key >> 1).padStart(8, '0'),
        ttl,
        expiresAt: DEFAULT_START + ttl * 1000
      })
      lastPosition = Math.max(lastPosition, upserted.position)
    }, { durationMs: settings.durationMs, concurrency: settings.concurrency })

    log(`  ${size}: discover`)
    let returned = 0
    const discover = await rate(async () => {
      const result = await s.discover({ namespace: namespaceNames[Math.floor(random() * settings.namespaces)], limit: 100 })
      returned += result.registrations.length
    }, { durationMs: settings.durationMs }, () => { returned = 0 })

    log(`  ${size}: discover, ${settings.concurrency} in flight`)
    const discoverInFlight = await rate(async () => {
      await s.discover({ namespace: namespaceNames[Math.floor(random() * settings.namespaces)], limit: 100 })
    }, { durationMs: settings.durationMs, concurrency: settings.concurrency })

    const discoverAll = await rate(async () => {
      await s.discover({ after: Math.floor(random() * lastPosition * 0.9), limit: 100 })
    }, { durationMs: settings.durationMs })

    log(`  ${size}: sample`)
    const sample = await rate(async () => {
      const result = await s.sample(namespaceNames[Math.floor(random() * settings.namespaces)], 20)

      if (result.length !== Math.min(20, Math.floor(size / settings.namespaces))) {
        throw new Error(`${options.name}: sample returned ${result.length} registrations`)
      }
    }, { durationMs: settings.durationMs })

    log(`  ${size}: expire`)
    clock.set(DEFAULT_START + EARLY_TTL * 1000)
    const expireStart = performance.now()
    const expireCpu = process.cpuUsage()
    const expired = await store.expire()
    const expireMs = performance.now() - expireStart
    const expireCpuUsed = process.cpuUsage(expireCpu)

    await store.close()
    store = undefined

    return {
      size,
      fillPerSecond: size / fillSeconds,
      upsertsPerSecond: upserts.perSecond,
      upsertsPerCpuSecond: upserts.perCpuSecond,
      upsertsInFlightPerSecond: upsertsInFlight.perSecond,
      upsertsInFlightPerCpuSecond: upsertsInFlight.perCpuSecond,
      discoverPerSecond: discover.perSecond,
      discoverPerCpuSecond: discover.perCpuSecond,
      discoverReturned: returned / discover.operations,
      discoverInFlightPerSecond: discoverInFlight.perSecond,
      discoverInFlightPerCpuSecond: discoverInFlight.perCpuSecond,
      discoverAllPerSecond: discoverAll.perSecond,
      discoverAllPerCpuSecond: discoverAll.perCpuSecond,
      samplePerSecond: sample.perSecond,
      samplePerCpuSecond: sample.perCpuSecond,
      expireMs,
      expireCpuMs: (expireCpuUsed.user + expireCpuUsed.system) / 1000,
      expired,
      bytesPerRegistration: bytes / size,
      settleMs
    }
  } finally {
    await store?.close()
    await rm(directory, { recursive: true, force: true, maxRetries: 3 })
    gc()
  }
}

/**
 * The Markdown table of a run, with a line on the machine it ran on. Each rate shows operations per
 * wall-clock second, then per CPU-second of the process in brackets.
 */
export function formatBenchmarkTable (name: string, rows: StoreBenchmarkRow[], settings: { namespaces?: number, envelopeBytes?: number, durationMs?: number, concurrency?: number, settled?: boolean, rateWarmupMs?: number } = {}): string {
  const inFlight = settings.concurrency ?? DEFAULT_CONCURRENCY
  const lines = [
    `### ${name}`,
    '',
    `${settings.namespaces ?? 100} namespaces, ${settings.envelopeBytes ?? 170}-byte envelopes, each rate the median of 5 rounds over ${settings.durationMs ?? 1000} ms${(settings.rateWarmupMs ?? 0) > 0 ? ` after ${settings.rateWarmupMs ?? 0} ms of the same operation unmeasured` : ''}, one operation at a time except the columns marked ×${inFlight} (${inFlight} in flight) and fill/s (64 in flight)${settings.settled === true ? `, measured after the adapter's settle step (${rows.map(row => `${milliseconds(row.settleMs)} at ${count(row.size)}`).join(', ')})` : ''}. Node.js ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end).`,
    '',
    'Operations per second of wall-clock time (in brackets: per CPU-second of the process, all threads, which is what a dedicated core would do when the machine is busy with other work).',
    '',
    `| registrations | upserts/s | upserts/s ×${inFlight} | fill/s | discover(100)/s | discover(100)/s ×${inFlight} | discover all(100)/s | sample(20)/s | expire 10% | bytes/registration |`,
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
  ]

  for (const row of rows) {
    const cells = [
      count(row.size),
      both(row.upsertsPerSecond, row.upsertsPerCpuSecond),
      both(row.upsertsInFlightPerSecond, row.upsertsInFlightPerCpuSecond),
      rate(row.fillPerSecond),
      both(row.discoverPerSecond, row.discoverPerCpuSecond),
      both(row.discoverInFlightPerSecond, row.discoverInFlightPerCpuSecond),
      both(row.discoverAllPerSecond, row.discoverAllPerCpuSecond),
      both(row.samplePerSecond, row.samplePerCpuSecond),
      `${milliseconds(row.expireMs)} (${milliseconds(row.expireCpuMs)} CPU) for ${count(row.expired)}`,
      String(Math.round(row.bytesPerRegistration))
    ]
    lines.push(`| ${cells.join(' | ')} |`)
  }

  return lines.join('\n')
}

function both (wall: number, cpu: number): string {
  return `${rate(wall)} (${rate(cpu)})`
}

function milliseconds (value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 0)} ms`
}

function rate (value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

function count (value: number): string {
  if (value >= 1_000_000 && value % 1_000_000 === 0) { return `${value / 1_000_000}M` }
  if (value >= 1_000 && value % 1_000 === 0) { return `${value / 1_000}k` }
  return value.toLocaleString('en-US')
}

export type { StoreFactory, StoreFactoryContext } from './compliance/harness.ts'
