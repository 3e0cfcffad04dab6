/**
 * The server of one target as a process of its own (interop/src's PeerProgram: its `ready` line, its
 * JSON lines, a bounded life and stop): the Go reference, the two 1.0.0 yardsticks, or ts-server.ts with
 * the store, floor, workers and experiment flags of the target.
 */
import { rmSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PeerProgram } from '../src/peer-program.ts'
import { GO_LRDV, GO_RDV, RUST_RDV } from './binaries.ts'
import { HERE, NODE_FLAGS, ROOT, TS_FLAGS, VARIANT_FLAGS, VARIANT_NODE_FLAGS } from './config.ts'
import { dropSchema } from './postgres.ts'
import { MAX_SESSION_SECONDS } from './sessions.ts'
import { isFloor, isPostgres, isVariant } from './targets.ts'
import type { TargetName } from './targets.ts'
import type { JsonEvent } from '../src/json-lines-process.ts'
import type { WriteStream } from 'node:fs'

/** A server that printed its `ready` line */
export interface Server {
  pid: number
  multiaddr: string
  /** Its JSON lines (`ready`, and `stats` once stopped) */
  events: readonly JsonEvent[]
  /** SIGTERM (after closing stdin), SIGKILL 20 s later; removes its data folder, and drops its PostgreSQL schema */
  stop(): Promise<void>
}

/** A server lives through its start, a whole session and its stop, and not longer */
const SERVER_LIFETIME_MS = (30 + MAX_SESSION_SECONDS + 30 + 60) * 1000

let schemas = 0

/** The store of a TS target's server */
function storeOf (target: TargetName): 'sqlite' | 'postgres' | 'memory' {
  if (target.startsWith('ts-sqlite')) {
    return 'sqlite'
  }
  return isPostgres(target) ? 'postgres' : 'memory'
}

/** The command line of a target's server; TS targets get a fresh data folder, PostgreSQL ones a fresh schema */
async function command (target: TargetName, profileDir?: string): Promise<{ binary: string, args: string[], dataDir?: string, schema?: string }> {
  if (target === 'go') {
    return { binary: GO_RDV, args: ['server', '--listen', '/ip4/127.0.0.1/tcp/0'] }
  }
  if (target === 'go-libp2p') {
    // its in-memory SQLite DB: over a file, concurrent REGISTERs fail with 300 "database error" (the
    // library opens the file without a busy timeout, and database/sql pools several connections)
    return { binary: GO_LRDV, args: ['server', '--listen', '/ip4/127.0.0.1/tcp/0', '--db', ':memory:'] }
  }
  if (target === 'rust') {
    return { binary: RUST_RDV, args: ['server', '--listen', '/ip4/127.0.0.1/tcp/0'] }
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'rendezvous-bench-'))
  // each server its own schema: every session starts from an empty store
  const schema = isPostgres(target) ? `bench_${++schemas}` : undefined
  const args = [
    ...NODE_FLAGS,
    ...(isVariant(target) ? VARIANT_NODE_FLAGS : []),
    join(HERE, 'ts-server.ts'),
    ...(profileDir != null ? ['--profile-dir', profileDir] : []),
    '--store', storeOf(target),
    ...(schema != null ? ['--schema', schema] : []),
    ...(target.startsWith('ts-postgres-w2') ? ['--workers', '2'] : []),
    ...(isFloor(target) ? ['--floor'] : []),
    ...(isVariant(target) ? VARIANT_FLAGS : []),
    '--listen', '/ip4/127.0.0.1/tcp/0',
    '--data-dir', dataDir,
    ...TS_FLAGS
  ]
  return { binary: process.execPath, args, dataDir, schema }
}

/** Start a target's server and wait for its `ready` line; its stderr goes to the run's log */
export async function startServer (target: TargetName, log: WriteStream, profileDir?: string): Promise<Server> {
  const { binary, args, dataDir, schema } = await command(target, profileDir)
  const program = new PeerProgram({
    binary,
    cwd: ROOT,
    startTimeout: 30_000,
    serverLifetime: SERVER_LIFETIME_MS,
    stopGrace: 20_000,
    onStderr: line => { log.write(`${line}\n`) }
  })
  const removeData = (): void => {
    if (dataDir != null) {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  try {
    const server = await program.startServer(args, removeData)
    if (server.pid == null) {
      await server.stop()
      throw new Error('it has no pid')
    }
    if (schema == null) {
      return { ...server, pid: server.pid }
    }
    // its tables go with it, before the next target starts
    return { ...server, pid: server.pid, stop: async () => { await server.stop(); await dropSchema(schema) } }
  } catch (err: any) {
    throw new Error(`${target}: ${err.message}`)
  }
}
