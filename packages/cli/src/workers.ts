import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { SHUTDOWN_TIMEOUT_MS, WORKER_MAX_QUICK_RESTARTS, WORKER_MIN_UPTIME_MS, WORKER_START_TIMEOUT_MS } from './constants.ts'
import { lockDataDir, checkDataDirLock } from './data-dir-lock.ts'
import { checkDataDir, createDataDir } from './data-dir.ts'
import { DaemonError, InvalidFlagError } from './errors.ts'
import { loadIdentity, persistIdentity } from './identity.ts'
import { probeListenAddresses } from './port-probe.ts'
import { onShutdownSignal } from './signals.ts'
import type { FlagSpec } from './config.ts'
import type { ListeningInfo, Output } from './output.ts'
import type { ShutdownSignal } from './signals.ts'
import type { Worker } from 'node:cluster'

/** The flag of the worker processes, in the order help text lists it */
export const WORKER_FLAGS: readonly FlagSpec[] = [
  { name: 'workers', env: 'RENDEZVOUS_WORKERS', type: 'string', value: '<n|auto>', description: 'worker processes that share the listening sockets and the peer ID, auto = one per core; above 1 only with --store postgres', defaultText: '1' }
]

/** What {@link readWorkers} needs of the daemon's flag reader */
export interface WorkersFlagReader {
  one(name: string): { value: string, where: string } | undefined
}

/** Why each store refuses more than one worker */
const SINGLE_PROCESS_STORES: Record<string, string> = {
  memory: 'the memory store lives in one process, so each worker would hold registrations the others cannot see',
  level: 'the level store opens its LevelDB directory in one process only',
  // store-sqlite's README and src/database.ts: the count and the next position are kept in memory, under an exclusive file lock
  sqlite: 'the sqlite store locks its file to one process (it keeps its row count and next position in memory, which other writers would make wrong)'
}

/**
 * The number of worker processes: `--workers <n>` or `auto` (the cores this process may use). Above 1 the
 * store must be one that several processes can share: PostgreSQL.
 *
 * @throws {InvalidFlagError} for a value that is not a positive number or `auto`, or more than one worker with a
 * single-process store
 */
export function readWorkers (reader: WorkersFlagReader, store: string): number {
  const given = reader.one('workers')
  if (given == null) {
    return 1
  }
  const value = given.value.trim().toLowerCase()
  let workers: number
  if (value === 'auto') {
    workers = availableParallelism()
  } else if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 1024) {
    workers = Number(value)
  } else {
    throw new InvalidFlagError(`${given.where}: '${given.value}' is not a number of workers from 1 to 1024, nor auto`)
  }
  const reason = SINGLE_PROCESS_STORES[store]
  if (workers > 1 && reason != null) {
    throw new InvalidFlagError(`${given.where} ${workers} needs --store postgres: ${reason}; run one worker (--workers 1) or keep registrations in PostgreSQL (docs/fleet.md)`)
  }
  return workers
}

/**
 * Refuse what several workers cannot share: a circuit relay keeps its reservations in one process (a peer
 * reserved at one worker could not be reached through another), and a federation member is one gossipsub
 * peer (several workers with one peer ID would fight over its connections)
 *
 * @throws {InvalidFlagError} when `workers` is above 1 with `--relay` or `--federation`
 */
export function checkWorkersFeatures (workers: number, features: { relay: boolean, federation: boolean }): void {
  if (workers > 1 && features.relay) {
    throw new InvalidFlagError(`--workers ${workers} cannot run with --relay: relay reservations live in one process; run the relay with --workers 1`)
  }
  if (workers > 1 && features.federation) {
    throw new InvalidFlagError(`--workers ${workers} cannot run with --federation: a federation member is one gossipsub peer; a fleet on one database needs no federation (docs/fleet.md)`)
  }
}

/** A message between the primary and a worker */
type WorkerMessage =
  | { rendezvous: 'listening', info: ListeningInfo }
  | { rendezvous: 'stop' }

function isMessage (value: unknown): value is WorkerMessage {
  return typeof value === 'object' && value != null && typeof (value as { rendezvous?: unknown }).rendezvous === 'string'
}

/** This process's side of its link to the primary, when it is a worker */
export interface WorkerLink {
  /** Tell the primary this worker listens (the primary prints the banner once for all) */
  ready(info: ListeningInfo): void
  /** Call `stop` when the primary asks this worker to stop, or goes away; returns a function that removes the listeners */
  onStop(stop: () => void): () => void
}

/** The link to the primary in a worker process, `undefined` in any other process */
export function workerLink (): WorkerLink | undefined {
  if (!cluster.isWorker) {
    return undefined
  }
  return {
    ready: (info) => { process.send?.({ rendezvous: 'listening', info } satisfies WorkerMessage) },
    onStop: (stop) => {
      const onMessage = (message: unknown): void => {
        if (isMessage(message) && message.rendezvous === 'stop') {
          stop()
        }
      }
      // a primary that died (SIGKILL) leaves its workers orphaned: they stop too, freeing the ports
      const onDisconnect = (): void => { stop() }
      process.on('message', onMessage)
      process.on('disconnect', onDisconnect)
      return () => {
        process.off('message', onMessage)
        process.off('disconnect', onDisconnect)
      }
    }
  }
}

/** What the primary needs from the serve configuration */
export interface PrimaryConfig {
  workers: number
  dataDir: string
  listen: string[]
}

/**
 * Run the primary of `rendezvous serve --workers N`: check and lock the data directory for all its workers,
 * make sure the identity key exists (so every worker loads the same one and the point has one peer ID),
 * fork N workers that each run a whole rendezvous point on the shared listening sockets (Node's cluster
 * module hands them out; libp2p's TCP listener is unchanged), print the banner once they all listen,
 * restart a worker that dies, and on SIGINT or SIGTERM stop them all gracefully. Resolves the exit code:
 * 0 after a graceful stop, 2 when the workers could not start, 1 when they failed while running.
 */
export async function runPrimary (config: PrimaryConfig, output: Output): Promise<number> {
  let lock
  let identityCreated = false
  try {
    await checkDataDir(config.dataDir)
    await checkDataDirLock(config.dataDir)
    const identity = await loadIdentity(config.dataDir)
    await probeListenAddresses(config.listen)
    await createDataDir(config.dataDir)
    lock = await lockDataDir(config.dataDir)
    identityCreated = (await persistIdentity(identity)).created
  } catch (err: any) {
    await lock?.release()
    output.error(err instanceof Error ? err : new Error(String(err)))
    return err instanceof DaemonError ? err.exitCode : 2
  }

  const workers = new Map<Worker, { startedAt: number }>()
  let stopping = false
  let quickRestarts = 0
  let failed = false
  let signalled: (signal: ShutdownSignal | 'workers failed') => void = () => {}
  const finished = new Promise<ShutdownSignal | 'workers failed'>(resolve => { signalled = resolve })
  const removeSignalHandlers = onShutdownSignal(signal => { signalled(signal) }, (again) => {
    output.error(new Error(`${again} received again while stopping: killing the workers`))
    for (const worker of workers.keys()) {
      worker.process.kill('SIGKILL')
    }
    process.exit(1)
  })

  let firstInfo: ListeningInfo | undefined
  let listening = 0
  let allListening: () => void = () => {}
  const started = new Promise<void>(resolve => { allListening = resolve })

  const fork = (): void => {
    const worker = cluster.fork()
    workers.set(worker, { startedAt: Date.now() })
    // a message to a worker that is already gone (Ctrl-C reaches the workers too) fails on its channel: its exit is what counts
    worker.on('error', () => {})
    worker.on('message', (message: unknown) => {
      if (isMessage(message) && message.rendezvous === 'listening') {
        firstInfo ??= message.info
        listening++
        if (listening === config.workers) {
          allListening()
        }
      }
    })
    worker.on('exit', (code, signal) => {
      const startedAt = workers.get(worker)?.startedAt ?? Date.now()
      workers.delete(worker)
      if (stopping) {
        if (code !== 0) {
          failed = true
        }
        return
      }
      const how = signal != null ? `signal ${signal}` : `exit code ${String(code)}`
      if (listening < config.workers) {
        // a worker that cannot start (store unreachable, port taken) has said why on stderr
        output.error(new Error(`worker ${String(worker.process.pid)} could not start (${how}); stopping`))
        failed = true
        signalled('workers failed')
        return
      }
      quickRestarts = Date.now() - startedAt < WORKER_MIN_UPTIME_MS ? quickRestarts + 1 : 0
      if (quickRestarts > WORKER_MAX_QUICK_RESTARTS) {
        output.error(new Error(`workers keep dying right after they start (last: ${how}); stopping`))
        failed = true
        signalled('workers failed')
        return
      }
      output.warn(`worker ${String(worker.process.pid)} ended (${how}); starting another`)
      fork()
    })
  }

  try {
    for (let i = 0; i < config.workers; i++) {
      fork()
    }
    const timer = setTimeout(() => {
      output.error(new Error(`the workers did not all listen within ${WORKER_START_TIMEOUT_MS / 1000}s; stopping`))
      failed = true
      signalled('workers failed')
    }, WORKER_START_TIMEOUT_MS)
    const first = await Promise.race([started.then(() => 'started' as const), finished])
    clearTimeout(timer)
    if (first === 'started' && firstInfo != null) {
      output.event('workers', { workers: config.workers, pids: [...workers.keys()].map(w => w.process.pid) }, `workers: ${config.workers} processes (${[...workers.keys()].map(w => w.process.pid).join(', ')}), primary ${process.pid}`)
      // the workers loaded the key the primary wrote: whether it is new is the primary's to say
      output.listening(firstInfo.identity != null ? { ...firstInfo, identity: { ...firstInfo.identity, created: identityCreated } } : firstInfo)
    }
    const received = first === 'started' ? await finished : first
    stopping = true
    if (received !== 'workers failed') {
      output.event('stopping', { signal: received }, `stopping (${received})`)
    }
    await stopWorkers(workers, output)
    if (received === 'workers failed') {
      return listening < config.workers ? 2 : 1
    }
    if (failed) {
      return 1
    }
    output.event('stopped', {}, 'stopped')
    return 0
  } finally {
    removeSignalHandlers()
    await lock.release()
  }
}

/** Ask every worker to stop gracefully, and kill those still running after the shutdown timeout */
async function stopWorkers (workers: Map<Worker, unknown>, output: Output): Promise<void> {
  const exits = [...workers.keys()].map(async worker => new Promise<void>(resolve => {
    if (worker.isDead()) {
      resolve()
      return
    }
    worker.once('exit', () => { resolve() })
    try {
      worker.send({ rendezvous: 'stop' } satisfies WorkerMessage)
    } catch {
      worker.process.kill('SIGTERM')
    }
  }))
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<'late'>(resolve => { timer = setTimeout(() => { resolve('late') }, SHUTDOWN_TIMEOUT_MS) })
  const outcome = await Promise.race([Promise.all(exits), deadline])
  clearTimeout(timer)
  if (outcome === 'late') {
    output.error(new Error(`workers still running after ${SHUTDOWN_TIMEOUT_MS / 1000}s: killing them`))
    for (const worker of workers.keys()) {
      worker.process.kill('SIGKILL')
    }
    await Promise.all(exits)
  }
}
