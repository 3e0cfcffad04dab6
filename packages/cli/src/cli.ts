import { helpText, parseCommandLine } from './config.ts'
import { EXIT_USAGE, SHUTDOWN_TIMEOUT_MS } from './constants.ts'
import { startDaemon } from './daemon.ts'
import { DaemonError } from './errors.ts'
import { createOutput } from './output.ts'
import { pointBounds } from './point-status.ts'
import { redactingStreams } from './postgres-store.ts'
import { logRequests } from './request-log.ts'
import { onShutdownSignal } from './signals.ts'
import { printStatus } from './status-command.ts'
import { packageVersion } from './version.ts'
import { runPrimary, workerLink } from './workers.ts'
import type { Environment } from './config.ts'
import type { ListeningInfo, OutputStreams } from './output.ts'
import type { ShutdownSignal } from './signals.ts'

/** Whether errors found while parsing should already be JSON: the flag or variable may be what failed */
function wantsJson (argv: string[], env: Environment): boolean {
  return argv.includes('--json') || ['1', 'true', 'yes', 'on'].includes((env.RENDEZVOUS_JSON ?? '').trim().toLowerCase())
}

function asError (err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

/**
 * Run the `rendezvous` command line and resolve with the process exit code: 0 after `--help`,
 * `--version`, or a graceful stop on SIGINT/SIGTERM; 2 for bad flags and anything that prevents the
 * start (unwritable data dir, port in use, unreadable key, store that cannot be opened); 1 when the
 * daemon fails while running or stopping. A second signal, or a stop that takes longer than 10 s, ends
 * the process at once with exit code 1.
 */
export async function runCli (argv: string[], env: Environment, streams: OutputStreams): Promise<number> {
  let command
  try {
    command = parseCommandLine(argv, env)
  } catch (err) {
    createOutput(wantsJson(argv, env), streams).error(asError(err))
    return err instanceof DaemonError ? err.exitCode : EXIT_USAGE
  }
  if (command.command === 'help') {
    streams.stdout.write(helpText())
    return 0
  }
  if (command.command === 'version') {
    streams.stdout.write(`${packageVersion()}\n`)
    return 0
  }
  if (command.command === 'status') {
    return printStatus(command.admin, command.json, streams)
  }

  const { config } = command
  // the database URL's password is written nowhere: not in the banner, errors, warnings or request lines
  const output = createOutput(config.json, redactingStreams(streams, config.databaseUrl), config.logLevel)
  const worker = workerLink()
  if (config.workers > 1 && worker == null) {
    return runPrimary(config, output)
  }

  // a stray rejection deep in a peer's connection must not take the point down for everyone else
  const onRejection = (reason: unknown): void => { output.warn(`unhandled rejection: ${asError(reason).message}`) }
  process.on('unhandledRejection', onRejection)

  let signalled: (signal: ShutdownSignal) => void = () => {}
  const signal = new Promise<ShutdownSignal>(resolve => { signalled = resolve })
  const removeSignalHandlers = onShutdownSignal(signalled, (again) => {
    output.error(new Error(`${again} received again while stopping: exiting without finishing the graceful stop`))
    process.exit(1)
  })
  // a worker of --workers N also stops when its primary asks, or goes away
  const removeWorkerStop = worker?.onStop(() => { signalled('SIGTERM') }) ?? (() => {})

  try {
    let daemon
    try {
      daemon = await startDaemon(config, { worker: worker != null })
    } catch (err) {
      output.error(asError(err))
      return err instanceof DaemonError ? err.exitCode : 1
    }
    const info: ListeningInfo = {
      // peerId and multiaddrs lead the JSON line, as they did before the banner grew
      peerId: daemon.peerId,
      multiaddrs: daemon.multiaddrs,
      version: packageVersion(),
      identity: daemon.identity,
      ...(config.announce.length > 0 ? { listen: daemon.listenAddrs } : {}),
      protocols: daemon.protocols,
      store: config.store,
      ...(daemon.storePath != null ? { storePath: daemon.storePath } : {}),
      dataDir: config.dataDir,
      ...pointBounds(config),
      ...(daemon.adminUrl != null ? { admin: daemon.adminUrl } : {}),
      ...(daemon.metricsUrl != null ? { metrics: daemon.metricsUrl } : {}),
      logLevel: config.logLevel,
      warmUp: daemon.warmUp
    }
    // the primary of --workers N prints the banner once for all its workers
    if (worker != null) {
      worker.ready(info)
    } else {
      output.listening(info)
    }
    const stopRequestLog = logRequests(daemon.node.services.rendezvous, output, config.logLevel)

    const received = await signal
    stopRequestLog()
    if (worker == null) {
      output.event('stopping', { signal: received }, `stopping (${received})`)
    }
    const deadline = setTimeout(() => {
      output.error(new Error(`graceful stop took longer than ${SHUTDOWN_TIMEOUT_MS / 1000}s: exiting`))
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS)
    deadline.unref()
    try {
      await daemon.stop()
    } catch (err) {
      output.error(new Error(`stopping failed: ${asError(err).message}`))
      return 1
    } finally {
      clearTimeout(deadline)
    }
    if (worker == null) {
      output.event('stopped', {}, 'stopped')
    }
    return 0
  } finally {
    removeWorkerStop()
    removeSignalHandlers()
    process.off('unhandledRejection', onRejection)
  }
}
