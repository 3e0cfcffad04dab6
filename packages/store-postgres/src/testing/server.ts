import { execFile, execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PostgresCommandError, PostgresNotFoundError } from './errors.ts'

/** A PostgreSQL server of its own, for tests and benchmarks: a fresh cluster in a temporary directory, on 127.0.0.1 */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: trust authentication, loopback only */
  readonly url: string

  /** The TCP port on 127.0.0.1 */
  readonly port: number

  /** The cluster's data directory */
  readonly dataDirectory: string

  /** Stops the server the hard way (`pg_ctl stop -m immediate`, a crash for the clients); the data stays */
  crash(): Promise<void>

  /** Starts the server again on the same port and data, after {@link PostgresServer.crash}; resolves once it accepts connections */
  start(): Promise<void>

  /** {@link PostgresServer.crash} then {@link PostgresServer.start} */
  restart(): Promise<void>

  /** Shuts the server down and deletes its directory. Stopping twice resolves */
  stop(): Promise<void>
}

export interface StartPostgresOptions {
  /**
   * The directory holding `initdb` and `pg_ctl`. Default: `RENDEZVOUS_PG_BINDIR`, then `pg_config --bindir`,
   * then the newest `/usr/lib/postgresql/<version>/bin`.
   */
  bindir?: string

  /**
   * Extra server settings, as `name=value` pairs passed with `-c` (e.g. `{ max_connections: '300' }`).
   * The defaults keep fsync and synchronous_commit on: the tests and benchmarks measure a durable store.
   */
  settings?: Record<string, string>
}

const INSTALL_HINT = 'Run .ci/postgres.sh (as root) to install it, or point RENDEZVOUS_PG_BINDIR at the directory holding initdb and pg_ctl.'

/**
 * The directory holding `initdb` and `pg_ctl`: `bindir` if given, else the first of `RENDEZVOUS_PG_BINDIR`,
 * `pg_config --bindir` and the newest `/usr/lib/postgresql/<version>/bin` that has them. Throws
 * {@link PostgresNotFoundError}, naming `.ci/postgres.sh`, when there is none.
 */
export function findPostgresBinaries (bindir?: string): string {
  const candidates: string[] = []

  if (bindir !== undefined) {
    candidates.push(bindir)
  } else if (process.env.RENDEZVOUS_PG_BINDIR != null && process.env.RENDEZVOUS_PG_BINDIR !== '') {
    candidates.push(process.env.RENDEZVOUS_PG_BINDIR)
  }

  if (bindir === undefined) {
    candidates.push(...installedBinaries())
  }

  const found = candidates.find(directory => existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'pg_ctl')))

  if (found == null) {
    throw new PostgresNotFoundError(`No PostgreSQL server installation found (looked for initdb and pg_ctl in ${candidates.length === 0 ? 'no candidate directory' : candidates.join(', ')}). ${INSTALL_HINT}`)
  }

  return found
}

/** Where an installed PostgreSQL keeps its server programs: what pg_config says, and Debian's layout */
function installedBinaries (): string[] {
  const candidates: string[] = []

  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim())
  } catch {
    // pg_config is in the client package: a server may be installed without it
  }

  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter(name => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map(version => `/usr/lib/postgresql/${version}/bin`))
  } catch {
    // no Debian-style installation
  }

  return candidates
}

/** A TCP port on 127.0.0.1 that was free a moment ago */
async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address == null || typeof address === 'string') {
          reject(new Error('could not read the port of a listening socket'))
        } else {
          resolve(address.port)
        }
      })
    })
  })
}

/** The uid and gid of the `postgres` user: PostgreSQL refuses to run as root */
function postgresUser (): { uid: number, gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find(entry => entry.startsWith('postgres:'))

  if (line == null) {
    throw new PostgresNotFoundError(`Running as root, but there is no postgres user to run the server as. ${INSTALL_HINT}`)
  }

  const fields = line.split(':')
  return { uid: Number(fields[2]), gid: Number(fields[3]) }
}

/** `runuser` lives in /usr/sbin or /sbin, which a bare PATH (`/usr/bin:/bin`) leaves out */
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser'].find(path => existsSync(path)) ?? 'runuser'

async function run (command: string, args: string[], asPostgres: boolean): Promise<string> {
  const [file, argv] = asPostgres ? [RUNUSER, ['-u', 'postgres', '--', command, ...args]] : [command, args]

  return new Promise((resolve, reject) => {
    execFile(file, argv, { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      if (err != null) {
        reject(new PostgresCommandError(`${command} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`, { cause: err }))
      } else {
        resolve(stdout)
      }
    })
  })
}

/** Servers this process started and has not stopped: shut down with it, whatever way it ends */
const running = new Map<string, () => number | undefined>()
let exitHookInstalled = false

function stopAll (): void {
  for (const postmasterPid of running.values()) {
    const pid = postmasterPid()
    if (pid !== undefined) {
      try {
        // SIGQUIT is PostgreSQL's immediate shutdown
        process.kill(pid, 'SIGQUIT')
      } catch {
        // already gone
      }
    }
  }
}

function installExitHook (): void {
  if (exitHookInstalled) {
    return
  }

  exitHookInstalled = true
  process.once('exit', stopAll)

  // Node does not run 'exit' handlers when a signal ends it: stop the servers, then end as the signal would
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopAll()
      process.kill(process.pid, signal)
    })
  }
}

/**
 * Starts a real PostgreSQL server for tests: `initdb` into a fresh temporary directory, then `pg_ctl start`
 * on 127.0.0.1 and a free port, trust authentication, no Unix socket outside that directory. As root it runs
 * the server as the `postgres` user (`runuser`), which owns the directory. A missing installation rejects
 * with {@link PostgresNotFoundError}, naming `.ci/postgres.sh`.
 */
export async function startPostgres (options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBinaries(options.bindir)
  const asPostgres = process.getuid?.() === 0
  const directory = await mkdtemp(join(tmpdir(), 'rendezvous-postgres-'))
  const dataDirectory = join(directory, 'data')
  const logFile = join(directory, 'server.log')

  try {
    if (asPostgres) {
      const { uid, gid } = postgresUser()
      await chown(directory, uid, gid)
    }

    // --no-sync: the cluster is thrown away with the test; the server itself runs with fsync on
    await run(join(bin, 'initdb'), ['-D', dataDirectory, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], asPostgres)
  } catch (err) {
    await rm(directory, { recursive: true, force: true })
    throw err
  }

  const port = await freePort()
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: directory,
    max_connections: '200',
    ...options.settings
  }
  const serverOptions = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`).join(' ')
  const postmasterPid = (): number | undefined => {
    try {
      return Number(readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0])
    } catch {
      return undefined
    }
  }

  const start = async (): Promise<void> => {
    await run(join(bin, 'pg_ctl'), ['start', '-D', dataDirectory, '-l', logFile, '-w', '-t', '60', '-o', serverOptions], asPostgres)
  }
  const crash = async (): Promise<void> => {
    await run(join(bin, 'pg_ctl'), ['stop', '-D', dataDirectory, '-m', 'immediate', '-w'], asPostgres)
  }
  let stopped = false

  try {
    await start()
  } catch (err: any) {
    let log = ''
    try {
      log = readFileSync(logFile, 'utf8')
    } catch {
      // no log: the server never got as far as writing one
    }
    await rm(directory, { recursive: true, force: true })
    throw new PostgresCommandError(`${err.message}\nserver log:\n${log}`, { cause: err })
  }

  running.set(directory, postmasterPid)
  installExitHook()

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDirectory,
    crash,
    start,
    restart: async () => {
      await crash()
      await start()
    },
    stop: async () => {
      if (stopped) {
        return
      }

      stopped = true

      if (postmasterPid() !== undefined) {
        await run(join(bin, 'pg_ctl'), ['stop', '-D', dataDirectory, '-m', 'fast', '-w'], asPostgres).catch(async () => crash().catch(() => {}))
      }

      running.delete(directory)
      await rm(directory, { recursive: true, force: true, maxRetries: 3 })
    }
  }
}
