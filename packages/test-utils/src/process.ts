import { spawn } from 'node:child_process'
import { WAIT_TIMEOUT_MS } from './constants.ts'
import { WaitTimeoutError } from './errors.ts'
import type { ChildProcess } from 'node:child_process'

/** How a process ended */
export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A child process a test talks to through its standard streams */
export interface TestProcess {
  child: ChildProcess
  /** Everything it printed so far on stdout */
  stdout(): string
  /** Everything it printed so far on stderr */
  stderr(): string
  /** Resolves when the process has exited (its output may still be arriving: {@link TestProcess.stop} waits for that too) */
  exited: Promise<ProcessExit>
  /** Write to its stdin (started with `stdin: 'pipe'`, the default) */
  write(text: string): void
  /**
   * The first line of stdout, printed so far or later, that matches; rejects with {@link WaitTimeoutError}
   * after `timeout` ms, or once its output has ended without one (both with all it printed)
   */
  waitForLine(pattern: RegExp, timeout?: number): Promise<string>
  /** The same on stderr */
  waitForStderrLine(pattern: RegExp, timeout?: number): Promise<string>
  /** Wait for it to exit by itself; after `timeout` ms it is killed and this rejects with {@link WaitTimeoutError} */
  waitForExit(timeout?: number): Promise<ProcessExit>
  /** Send `signal` (default SIGTERM) and wait for the exit and the end of its output; SIGKILL after `timeout` ms */
  stop(signal?: NodeJS.Signals, timeout?: number): Promise<ProcessExit>
}

export interface StartProcessOptions {
  cwd: string | URL
  /** The whole environment of the process; default this one's */
  env?: NodeJS.ProcessEnv
  /** `'pipe'` (default) to write to it with {@link TestProcess.write}, `'ignore'` for none */
  stdin?: 'pipe' | 'ignore'
}

const running = new Set<ChildProcess>()

/** Start `node <args>` (the Node running the tests) in `cwd` */
export function startProcess (args: string[], options: StartProcessOptions): TestProcess {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'] })
  running.add(child)
  const printed = { stdout: '', stderr: '' }
  // each wait looks again when its stream brings more output, and once more when the output has ended
  const output = new EventTarget()
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { printed.stdout += chunk; output.dispatchEvent(new Event('stdout')) })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { printed.stderr += chunk; output.dispatchEvent(new Event('stderr')) })
  const exited = new Promise<ProcessExit>(resolve => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    })
  })
  // the output is complete once the streams have closed, which may be after the exit
  const closed = new Promise<void>(resolve => { child.once('close', () => { resolve() }) })
  const said = (): string => `\nstdout: ${printed.stdout}\nstderr: ${printed.stderr}`

  const waitOn = async (stream: 'stdout' | 'stderr', pattern: RegExp, timeout = WAIT_TIMEOUT_MS): Promise<string> => {
    // whole lines only: a line still being written may match a prefix of what it will say
    const find = (): string | undefined => printed[stream].split('\n').slice(0, -1).find(line => pattern.test(line))
    return new Promise<string>((resolve, reject) => {
      let settled = false
      const done = (): void => {
        settled = true
        clearTimeout(timer)
        output.removeEventListener(stream, check)
      }
      const check = (): void => {
        const line = find()
        if (line != null && !settled) {
          done()
          resolve(line)
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new WaitTimeoutError(`no line matching ${pattern} on ${stream} within ${timeout} ms${said()}`))
      }, timeout)
      output.addEventListener(stream, check)
      check()
      void closed.then(() => {
        // a last line without its newline counts once the output has ended
        const line = printed[stream].split('\n').find(l => pattern.test(l))
        if (!settled) {
          done()
          if (line != null) {
            resolve(line)
          } else {
            reject(new WaitTimeoutError(`the process ended its output before printing ${pattern} on ${stream}${said()}`))
          }
        }
      })
    })
  }

  const waitForExit = async (timeout = WAIT_TIMEOUT_MS): Promise<ProcessExit> => {
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new WaitTimeoutError(`the process did not exit within ${timeout} ms${said()}`))
      }, timeout)
    })
    try {
      return await Promise.race([exited, timedOut])
    } finally {
      clearTimeout(timer)
    }
  }

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeout = WAIT_TIMEOUT_MS): Promise<ProcessExit> => {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill(signal)
    }
    const timer = setTimeout(() => { child.kill('SIGKILL') }, timeout)
    try {
      const exit = await exited
      await closed
      return exit
    } finally {
      clearTimeout(timer)
    }
  }

  const write = (text: string): void => {
    if (child.stdin == null) {
      throw new Error('the process was started with stdin: \'ignore\'')
    }
    child.stdin.write(text)
  }

  return {
    child,
    stdout: () => printed.stdout,
    stderr: () => printed.stderr,
    exited,
    write,
    waitForLine: async (pattern, timeout) => waitOn('stdout', pattern, timeout),
    waitForStderrLine: async (pattern, timeout) => waitOn('stderr', pattern, timeout),
    waitForExit,
    stop
  }
}

/** Kill every process {@link startProcess} started that still runs, and wait for their exits; for an `after`/`afterEach` hook */
export async function killAll (): Promise<void> {
  await Promise.all([...running].map(async child => {
    const exit = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exit
  }))
}
