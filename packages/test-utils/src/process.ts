import { spawn } from 'node:child_process'
import { WAIT_TIMEOUT_MS } from './constants.ts'
import { WaitTimeoutError } from './errors.ts'
import type { ChildProcessByStdio } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'

/** How a process ended */
export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A child process a test talks to through its standard streams */
export interface TestProcess {
  child: ChildProcessByStdio<Writable, Readable, Readable>
  /** Everything it printed so far on stdout */
  stdout(): string
  /** Everything it printed so far on stderr */
  stderr(): string
  /** Resolves when it has exited */
  exited: Promise<ProcessExit>
  /**
   * The first line of stdout, printed so far or later, that matches; rejects with {@link WaitTimeoutError}
   * after `timeout` ms, or at once if the process exits first (both with all it printed)
   */
  waitForLine(pattern: RegExp, timeout?: number): Promise<string>
  /** Send `signal` (default SIGTERM) and wait for the exit; SIGKILL after `timeout` ms */
  stop(signal?: NodeJS.Signals, timeout?: number): Promise<ProcessExit>
}

const running = new Set<TestProcess>()

/** Start `node <args>` (the Node running the tests) in `cwd`, with its stdin open for the test to write */
export function startProcess (args: string[], options: { cwd: string | URL, env?: NodeJS.ProcessEnv }): TestProcess {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const lineListeners = new Set<() => void>()
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    for (const listener of lineListeners) {
      listener()
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
  const exited = new Promise<ProcessExit>(resolve => {
    child.once('close', (code, signal) => { resolve({ code, signal }) })
  })
  const printed = (): string => `\nstdout: ${out}\nstderr: ${err}`

  const waitForLine = async (pattern: RegExp, timeout = WAIT_TIMEOUT_MS): Promise<string> => {
    const find = (): string | undefined => out.split('\n').slice(0, -1).find(line => pattern.test(line))
    return new Promise<string>((resolve, reject) => {
      const done = (): void => {
        lineListeners.delete(check)
        clearTimeout(timer)
      }
      const check = (): void => {
        const line = find()
        if (line != null) {
          done()
          resolve(line)
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new WaitTimeoutError(`no line matching ${pattern} within ${timeout} ms${printed()}`))
      }, timeout)
      lineListeners.add(check)
      check()
      void exited.then(() => {
        check()
        if (lineListeners.has(check)) {
          done()
          reject(new WaitTimeoutError(`the process exited before printing ${pattern}${printed()}`))
        }
      })
    })
  }

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeout = WAIT_TIMEOUT_MS): Promise<ProcessExit> => {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill(signal)
    }
    const timer = setTimeout(() => { child.kill('SIGKILL') }, timeout)
    try {
      return await exited
    } finally {
      clearTimeout(timer)
    }
  }

  const started: TestProcess = { child, stdout: () => out, stderr: () => err, exited, waitForLine, stop }
  running.add(started)
  void exited.then(() => running.delete(started))
  return started
}

/** Kill every process {@link startProcess} started that still runs; for an `after`/`afterEach` hook */
export async function killAll (): Promise<void> {
  await Promise.all([...running].map(async started => started.stop('SIGKILL')))
}
