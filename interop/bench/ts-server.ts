/**
 * The TypeScript rendezvous point under test, as its own process: a js-libp2p node with TCP, Noise, Yamux,
 * identify and `@rendezvous/server` over the memory or SQLite store, on 127.0.0.1.
 *
 * `node interop/bench/ts-server.ts --store memory|sqlite [--floor] [--listen /ip4/127.0.0.1/tcp/0] [--data-dir <dir>] [--profile-dir <dir>]`
 *
 * `--floor` runs the stack's floor instead of the server (`floor.ts`: read one frame, answer a fixed
 * REGISTER OK): the same node, stack and settings, so server/floor in one run is the server's own share.
 *
 * Like `rendezvous serve`, it sends each socket's writes of one event-loop iteration as one writev
 * (`coalesceSocketWrites()` of packages/cli/src/write-coalescing.ts, imported from the source: the interop
 * package does not depend on the CLI); `--experiment-no-coalesce-writes` sends each write at once, as
 * `rendezvous serve --no-coalesce-writes`.
 *
 * The `--experiment-*` flags change one stack setting each, to measure what it costs (never in a full run):
 * `--experiment-no-identify` (no identify service at all: a real point needs it, the server reads agent
 * versions), `--experiment-identify-every-connection`
 * (identify runs on every new connection, js-libp2p's default, as `rendezvous serve --identify-every-connection`),
 * `--experiment-monitor-off` (no liveness check at all) and `--experiment-monitor-interval <ms>` (js-libp2p's
 * connection monitor instead of the Yamux pings, as `rendezvous serve --ping-interval`), `--experiment-metrics`
 * (Prometheus metrics on, as `rendezvous serve --metrics` runs them), `--experiment-libp2p-noise-crypto`
 * (`@chainsafe/libp2p-noise`'s own cryptography instead of the daemon's `noiseCrypto`), `--experiment-sign-every-handshake`
 * (Noise signs the static key in every handshake instead of once, as the daemon's `signStaticKeyOnce` does),
 * `--experiment-default-datastore` (js-libp2p's unbounded in-memory datastore for the peer store instead of the
 * daemon's `PeerStoreDatastore`), `--experiment-record-protocols` (libp2p's peer store records the protocol of each
 * requester's first inbound stream, js-libp2p's default, where the server and the floor do not).
 *
 * It prints `{"event":"ready","peerId":..,"multiaddrs":[..]}` as its first stdout line once it listens,
 * `{"event":"stats",..}` (the server's own counters) and `{"event":"stopped"}` when it stops, on SIGTERM,
 * SIGINT or when stdin closes (so it never outlives the orchestrator).
 *
 * With `--heap-snapshot-dir` (and no `--profile-dir`), SIGUSR2 writes a V8 heap snapshot there and prints
 * `{"event":"heap-snapshot","path":..,"before":..,"after":..}` with `process.memoryUsage()` just before it and
 * just after it (a snapshot collects the garbage first): `idle-heap.ts` reads where an idle connection's
 * memory goes from two of them.
 *
 * Connections are watched as `rendezvous serve` watches them by default: Yamux ping frames every 30 s, answered
 * within 10 s, and js-libp2p's connection monitor off (`MuxerLiveness` of packages/cli/src/muxer-liveness.ts,
 * imported from the source like `--coalesce-writes`); `--liveness-interval <ms>` and `--liveness-timeout <ms>` set
 * them as the daemon's flags of those names do.
 *
 * With `--profile-dir`, SIGUSR2 starts the V8 CPU profiler and the next SIGUSR2 stops it and writes
 * `phase-<k>.cpuprofile` there (printing `{"event":"profile","path":..}`): the load generator sends them
 * around the phases to profile, so a profile shows one phase and not the whole life of the process.
 *
 * The service runs with its defaults (as `rendezvous serve` runs it). The connection manager does not: a
 * benchmark's thousands of peers all dial from 127.0.0.1, and js-libp2p's defaults (at most 300
 * connections, 5 inbound connections per second per host, 10 pending) would refuse them, where the Go
 * reference (null resource manager) has no limit at all. 127.0.0.1 is on the allow list, which bypasses
 * those three limits and the pruner, and maxConnections is raised.
 */
import cluster from 'node:cluster'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { writeHeapSnapshot } from 'node:v8'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { quietLogger, rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { createLibp2p } from 'libp2p'
import { floorService } from './floor.ts'
import type { PublicKey } from '@libp2p/interface'
import type { RegistrationStore } from '@rendezvous/store-memory'

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'memory' },
    listen: { type: 'string', default: '/ip4/127.0.0.1/tcp/0' },
    'data-dir': { type: 'string' },
    // --store postgres: the database (or BENCH_DATABASE_URL) and the schema of this server's store
    'database-url': { type: 'string' },
    schema: { type: 'string', default: 'rendezvous' },
    // worker processes sharing the listening socket and one identity (Node's cluster, as rendezvous serve --workers)
    workers: { type: 'string', default: '1' },
    'profile-dir': { type: 'string' },
    'heap-snapshot-dir': { type: 'string' },
    'liveness-interval': { type: 'string' },
    'liveness-timeout': { type: 'string' },
    floor: { type: 'boolean', default: false },
    'experiment-no-coalesce-writes': { type: 'boolean', default: false },
    'experiment-no-identify': { type: 'boolean', default: false },
    'experiment-identify-every-connection': { type: 'boolean', default: false },
    'experiment-libp2p-noise-crypto': { type: 'boolean', default: false },
    'experiment-sign-every-handshake': { type: 'boolean', default: false },
    'experiment-default-datastore': { type: 'boolean', default: false },
    'experiment-monitor-off': { type: 'boolean', default: false },
    'experiment-monitor-interval': { type: 'string' },
    'experiment-metrics': { type: 'boolean', default: false },
    // EXPERIMENT: libp2p's default logger (a logger built per stream) instead of the daemon's quiet one
    'experiment-default-logger': { type: 'boolean', default: false },
    'experiment-record-protocols': { type: 'boolean', default: false },
    // as rendezvous serve --warm-up: REGISTERs at a throwaway point of the same stack before listening
    'warm-up': { type: 'string' },
    // EXPERIMENT: keep the heap the warm-up grew instead of giving it back
    'experiment-warm-up-keep-heap': { type: 'boolean', default: false }
  }
})

const line = (event: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(event)}\n`) }

if (values.store !== 'memory' && values.store !== 'sqlite' && values.store !== 'postgres') {
  line({ event: 'error', message: `--store must be memory, sqlite or postgres, got ${String(values.store)}` })
  process.exit(2)
}
if (!String(values.listen).startsWith('/ip4/127.0.0.1/')) {
  line({ event: 'error', message: 'loopback only: --listen must be an /ip4/127.0.0.1/ address' })
  process.exit(2)
}

const WORKERS = Number(values.workers)
if (!Number.isSafeInteger(WORKERS) || WORKERS < 1 || (WORKERS > 1 && values.store !== 'postgres')) {
  line({ event: 'error', message: '--workers must be 1, or more with --store postgres' })
  process.exit(2)
}

if (WORKERS > 1 && cluster.isPrimary) {
  // the primary: one identity for all workers (one peer ID, as the daemon's workers load one key file) and
  // one cookie secret (as the daemon's workers read theirs from the database), so a cookie handed out by one
  // worker continues at another; the ready line once they all listen, and a stop passed on to each
  const key = privateKeyToProtobuf(await generateKeyPair('Ed25519'))
  const cookieSecret = randomBytes(32).toString('hex')
  const workers = Array.from({ length: WORKERS }, () => cluster.fork({ BENCH_SERVER_KEY: Buffer.from(key).toString('hex'), BENCH_COOKIE_SECRET: cookieSecret }))
  const ready = await Promise.all(workers.map(async w => new Promise<Record<string, any>>((resolve, reject) => {
    w.on('message', (m: any) => { if (m?.event === 'ready') { resolve(m) } })
    w.once('exit', code => { reject(new Error(`worker exited with ${String(code)}`)) })
  }))).catch((err: Error) => { line({ event: 'error', message: err.message }); process.exit(2) })
  const stopAll = async (): Promise<void> => {
    await Promise.all(workers.map(async w => new Promise<void>(resolve => {
      if (w.isDead()) { resolve(); return }
      w.once('exit', () => { resolve() })
      w.process.kill('SIGTERM')
    })))
    line({ event: 'stopped' })
    process.exit(0)
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => { void stopAll() })
  }
  process.stdin.on('end', () => { void stopAll() })
  process.stdin.resume()
  line({ ...ready[0], pid: process.pid, workers: ready.map(r => r.pid) })
  await new Promise(() => {})
}

if (!values['experiment-no-coalesce-writes']) {
  const mod = await import(new URL('../../packages/cli/src/write-coalescing.ts', import.meta.url).href)
  mod.coalesceSocketWrites()
}

const ownDir = values['data-dir'] == null
const dataDir = values['data-dir'] ?? await mkdtemp(join(tmpdir(), 'rendezvous-bench-'))
/**
 * `@rendezvous/store-sqlite` from the interop package's dependencies, or straight from the workspace build
 * when the interop package does not list it (the bench is its only user there)
 */
async function openSqliteStore (path: string): Promise<RegistrationStore> {
  let mod: { sqliteStore(init: { path: string }): Promise<RegistrationStore> }
  try {
    mod = await import('@rendezvous/store-sqlite')
  } catch {
    mod = await import(new URL('../../packages/store-sqlite/dist/src/index.js', import.meta.url).href)
  }
  return mod.sqliteStore({ path })
}

/** `@rendezvous/store-postgres` straight from the workspace build (the interop package does not depend on it) */
async function openPostgresStore (): Promise<RegistrationStore> {
  const mod = await import(new URL('../../packages/store-postgres/dist/src/index.js', import.meta.url).href)
  return mod.postgresStore({ url: values['database-url'] ?? process.env.BENCH_DATABASE_URL, schema: values.schema })
}

/** The store `--store` names (checked above) */
async function openStore (): Promise<RegistrationStore> {
  if (values.store === 'sqlite') {
    return openSqliteStore(join(dataDir, 'registrations.sqlite'))
  }
  return values.store === 'postgres' ? openPostgresStore() : memoryStore()
}

const store = await openStore()

/**
 * `@libp2p/prometheus-metrics` as the daemon runs it; the interop package does not depend on it (only this
 * experiment uses it), so it comes from the CLI package's dependencies
 */
async function prometheus (): Promise<Record<string, unknown>> {
  const url = new URL('../../packages/cli/node_modules/@libp2p/prometheus-metrics/dist/src/index.js', import.meta.url)
  const mod = await import(url.href)
  return { metrics: mod.prometheusMetrics() }
}

/**
 * `--liveness-interval`: `MuxerLiveness` of packages/cli/src/muxer-liveness.ts (Yamux ping frames, the
 * connection monitor off), from the source like `--coalesce-writes`
 */
async function livenessCheck (): Promise<{ watch<C>(factory: (components: C) => unknown): (components: C) => unknown } | undefined> {
  if (values['experiment-monitor-off'] || values['experiment-monitor-interval'] != null) {
    return undefined
  }
  const mod = await import(new URL('../../packages/cli/src/muxer-liveness.ts', import.meta.url).href)
  // the daemon's defaults (packages/cli/src/liveness-config.ts): a ping every 30 s, answered within 10 s
  return new mod.MuxerLiveness({ interval: Number(values['liveness-interval'] ?? 30_000), timeout: Number(values['liveness-timeout'] ?? 10_000) })
}
const liveness = await livenessCheck()

const monitorInterval = values['experiment-monitor-interval'] != null ? Number(values['experiment-monitor-interval']) : undefined
// as the daemon runs it: identify answers every peer that asks, and the server asks a requester itself when it
// needs its agent version (`identifyService`); `--experiment-identify-every-connection` is js-libp2p's default
const identifyEveryConnection = values['experiment-identify-every-connection'] === true
const identifyService = values['experiment-no-identify']
  ? {}
  : { identify: identify({ runOnConnectionOpen: identifyEveryConnection }) }

/** Noise as the daemon runs it (packages/cli/src/daemon.ts), less what the experiment flags turn off */
async function pointNoise (): Promise<ReturnType<typeof noise>> {
  const encrypter = values['experiment-libp2p-noise-crypto'] ? noise() : noise({ crypto: (await import(new URL('../../packages/cli/src/noise-crypto.ts', import.meta.url).href)).noiseCrypto })
  if (values['experiment-sign-every-handshake']) {
    return encrypter
  }
  const { signStaticKeyOnce } = await import(new URL('../../packages/cli/src/noise-signature.ts', import.meta.url).href)
  return signStaticKeyOnce(encrypter)
}

/** The daemon's peer store datastore (packages/cli/src/peer-store-datastore.ts), at its default limit */
async function pointDatastore (publicKey: PublicKey): Promise<object | undefined> {
  if (values['experiment-default-datastore'] === true) {
    return undefined
  }
  const [{ PeerStoreDatastore }, { DEFAULT_PEER_STORE_LIMIT }] = await Promise.all([
    import(new URL('../../packages/cli/src/peer-store-datastore.ts', import.meta.url).href),
    import(new URL('../../packages/cli/src/constants.ts', import.meta.url).href)
  ])
  return new PeerStoreDatastore(DEFAULT_PEER_STORE_LIMIT, publicKey)
}

// as the daemon runs it: a store limit of its default (1,000,000), checked by every new registration
const { DEFAULT_MAX_REGISTRATIONS } = await import(new URL('../../packages/cli/src/constants.ts', import.meta.url).href)

const privateKey = process.env.BENCH_SERVER_KEY != null ? privateKeyFromProtobuf(Buffer.from(process.env.BENCH_SERVER_KEY, 'hex')) : await generateKeyPair('Ed25519')
const datastore = await pointDatastore(privateKey.publicKey)
const node = await createLibp2p({
  // started once the warm-up is done, as the daemon does
  start: false,
  privateKey,
  // as the daemon runs it: a bounded peer store that answers a new peer without a stack trace;
  // `--experiment-default-datastore` for js-libp2p's default
  ...(datastore != null ? { datastore: datastore as any } : {}),
  // as the daemon runs: with DEBUG unset nothing is logged, and the quiet logger builds no logger per stream
  ...(values['experiment-default-logger'] === true || (process.env.DEBUG ?? '') !== '' ? {} : { logger: quietLogger() }),
  addresses: { listen: [String(values.listen)] },
  transports: [tcp()],
  // as the daemon runs it: Noise with the point's cryptography (packages/cli/src/noise-crypto.ts, from the
  // source like the liveness check), whose static key is signed once; `--experiment-libp2p-noise-crypto` for the
  // package's own cryptography, `--experiment-sign-every-handshake` for a signature in every handshake
  connectionEncrypters: [await pointNoise()],
  // as the daemon runs it: the check's pings replace Yamux's own keep-alive
  streamMuxers: [liveness != null ? liveness.watch(yamux({ enableKeepAlive: false })) as ReturnType<typeof yamux> : yamux()],
  connectionManager: {
    maxConnections: 100_000,
    allow: ['/ip4/127.0.0.1']
  },
  ...(values['experiment-monitor-off'] ? { connectionMonitor: { enabled: false } } : {}),
  ...(monitorInterval != null ? { connectionMonitor: { pingInterval: monitorInterval } } : {}),
  ...(liveness != null ? { connectionMonitor: { enabled: false } } : {}),
  ...(values['experiment-metrics'] ? await prometheus() : {}),
  services: {
    ...identifyService,
    ...(values.floor ? { floor: floorService({ recordProtocols: values['experiment-record-protocols'] }) } : { rendezvous: rendezvousServer({ store, maxRegistrations: DEFAULT_MAX_REGISTRATIONS, recordRequesterProtocols: values['experiment-record-protocols'], ...(process.env.BENCH_COOKIE_SECRET != null ? { cookieSecret: Buffer.from(process.env.BENCH_COOKIE_SECRET, 'hex') } : {}), identifyService: identifyEveryConnection || values['experiment-no-identify'] === true ? undefined : 'identify' }) }),
    ...(liveness != null ? { liveness: () => liveness } : {})
  } as Record<string, (components: any) => unknown>
})
const services = node.services as Record<string, any>

/**
 * The daemon's warm-up (packages/cli/src/warm-up.ts, from the source like the others), before the node
 * listens: `--warm-up <n>` REGISTERs at a throwaway point of the same stack, the daemon's default unless given
 */
{
  const [{ warmUp }, { DEFAULT_WARM_UP }, { DIALECTS }, { yamux: muxer }] = await Promise.all([
    import(new URL('../../packages/cli/src/warm-up.ts', import.meta.url).href),
    import(new URL('../../packages/cli/src/constants.ts', import.meta.url).href),
    import('@rendezvous/codec'),
    import('@libp2p/yamux')
  ])
  const encrypter = await pointNoise()
  await warmUp(Number(values['warm-up'] ?? DEFAULT_WARM_UP), DIALECTS, { encrypter: () => encrypter, muxer: () => muxer({ enableKeepAlive: false }) }, { keepHeap: values['experiment-warm-up-keep-heap'] })
}
await node.start()

let stopping: Promise<void> | undefined
async function stop (reason: string): Promise<void> {
  stopping ??= (async () => {
    try {
      line({ event: 'stats', reason, ...(values.floor ? { floorAnswered: services.floor.answered } : services.rendezvous.stats()) })
    } catch {
      // the counters are a courtesy; stopping matters
    }
    await Promise.resolve(node.stop()).catch(() => {})
    await Promise.resolve(store.close()).catch(() => {})
    if (ownDir) {
      await rm(dataDir, { recursive: true, force: true }).catch(() => {})
    }
    line({ event: 'stopped' })
  })()
  return stopping
}

const profileDir = values['profile-dir']
if (profileDir != null) {
  await mkdir(profileDir, { recursive: true })
  let session: Session | undefined
  let count = 0
  let busy = Promise.resolve()
  // BENCH_ALLOCATIONS=1: V8's sampling heap profiler beside the CPU profiler, counting every allocation (the
  // garbage the scavenger collects too, which is what a REGISTER's allocations mostly are), one sample per
  // 4 KiB allocated on average; `allocations.ts` reads the files
  const allocations = process.env.BENCH_ALLOCATIONS === '1'
  // BENCH_CPU_SPLIT=1: no profiler (it slows the process threefold); each phase's CPU split instead into the
  // main thread's and the other threads' (GC helpers, libuv's pool, the JIT's compilers), with the garbage
  // collector's pauses by kind, written to phase-<k>.threads.json
  const split = process.env.BENCH_CPU_SPLIT === '1'
  let splitAt: { process: NodeJS.CpuUsage, main: NodeJS.CpuUsage, gc: Record<string, number>, threads: Record<string, number> } | undefined
  // CPU ticks of each of the process's threads by name (Linux: /proc/self/task/<tid>/stat, fields 14 and 15)
  const threadTicks = async (): Promise<Record<string, number>> => {
    const { readdir, readFile } = await import('node:fs/promises')
    const out: Record<string, number> = {}
    for (const tid of await readdir('/proc/self/task').catch(() => [])) {
      const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => '')
      const name = /\((.*)\)/.exec(stat)?.[1] ?? '?'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out[name] = (out[name] ?? 0) + Number(fields[11]) + Number(fields[12])
    }
    return out
  }
  const gcMs: Record<string, number> = {}
  if (split) {
    const { PerformanceObserver, constants } = await import('node:perf_hooks')
    const kinds: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' }
    new PerformanceObserver(list => {
      for (const entry of list.getEntries()) {
        const kind = kinds[(entry as any).detail?.kind] ?? 'other'
        gcMs[kind] = (gcMs[kind] ?? 0) + entry.duration
        gcMs[`${kind}Count`] = (gcMs[`${kind}Count`] ?? 0) + 1
      }
    }).observe({ entryTypes: ['gc'] })
  }
  const toggle = async (): Promise<void> => {
    if (split) {
      const k = count
      if (splitAt == null) {
        splitAt = { process: process.cpuUsage(), main: (process as any).threadCpuUsage(), gc: { ...gcMs }, threads: await threadTicks() }
        line({ event: 'profiling' })
        return
      }
      const processUs = process.cpuUsage(splitAt.process)
      const mainUs = (process as any).threadCpuUsage(splitAt.main)
      const gc = Object.fromEntries(Object.entries(gcMs).map(([kind, v]) => [kind, v - (splitAt?.gc[kind] ?? 0)]))
      const ticks = await threadTicks()
      const threads = Object.fromEntries(Object.entries(ticks).map(([name, v]) => [name, v - (splitAt?.threads[name] ?? 0)]))
      splitAt = undefined
      const path = join(profileDir, `phase-${k + 1}.threads.json`)
      count++
      await writeFile(path, JSON.stringify({ processUs, mainUs, gcMs: gc, threadTicks: threads }))
      line({ event: 'profile', path })
      return
    }
    if (session == null) {
      session = new Session()
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
      if (allocations) {
        await session.post('HeapProfiler.enable')
        await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as any)
      }
      line({ event: 'profiling' })
      return
    }
    const { profile } = await session.post('Profiler.stop')
    const k = ++count
    if (allocations) {
      const { profile: sampled } = await session.post('HeapProfiler.stopSampling')
      await writeFile(join(profileDir, `phase-${k}.heapprofile`), JSON.stringify(sampled))
    }
    session.disconnect()
    session = undefined
    const path = join(profileDir, `phase-${k}.cpuprofile`)
    await writeFile(path, JSON.stringify(profile))
    line({ event: 'profile', path })
  }
  process.on('SIGUSR2', () => { busy = busy.then(toggle).catch(err => { line({ event: 'error', message: `profiler: ${String(err)}` }) }) })
}

const heapSnapshotDir = values['heap-snapshot-dir']
if (heapSnapshotDir != null && profileDir == null) {
  await mkdir(heapSnapshotDir, { recursive: true })
  let count = 0
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage()
    const path = writeHeapSnapshot(join(heapSnapshotDir, `heap-${++count}.heapsnapshot`))
    line({ event: 'heap-snapshot', path, before, after: process.memoryUsage(), connections: node.getConnections().length })
  })
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => { void stop(signal).then(() => process.exit(0)) })
}
if (cluster.isWorker) {
  // a worker's stdin is not the orchestrator's: its primary going away is what ends it
  process.on('disconnect', () => { void stop('primary gone').then(() => process.exit(0)) })
} else {
  process.stdin.on('end', () => { void stop('stdin closed').then(() => process.exit(0)) })
  process.stdin.resume()
}

// a worker tells its primary, which prints one ready line for all
const announce = cluster.isWorker ? (event: Record<string, unknown>): void => { process.send?.(event) } : line
announce({
  event: 'ready',
  role: 'server',
  store: values.store,
  floor: values.floor,
  pid: process.pid,
  peerId: node.peerId.toString(),
  multiaddrs: node.getMultiaddrs().map(String)
})
