import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'

/** One JSON object a child printed on a line of its stdout */
export type JsonEvent = Record<string, any> & { event?: string }

/** Options of {@link JsonLinesProcess.start} */
export interface JsonLinesProcessOptions {
  /** Working directory of the child */
  cwd?: string
  /**
   * Milliseconds the child may live at most; it is killed (SIGKILL) when they are up, so a hung peer
   * cannot hang the run
   */
  lifetime: number
  /** Called with each line of stderr, for diagnostics */
  onStderr?(line: string): void
  /** Called with each JSON object of stdout as it arrives (it is collected in `events` too), for progress output */
  onEvent?(event: JsonEvent): void
}

/** How a child ended */
export interface ProcessExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** Children still running, killed when this process exits however it exits */
const living = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook (): void {
  if (exitHookInstalled) {
    return
  }
  exitHookInstalled = true
  // 'exit' handlers must be synchronous: kill() is
  process.once('exit', () => {
    for (const child of living) {
      child.kill('SIGKILL')
    }
  })
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      for (const child of living) {
        child.kill('SIGKILL')
      }
      process.exit(code)
    })
  }
}

/**
 * Track a child started elsewhere (a build, a one-off command) like the children of {@link JsonLinesProcess}:
 * it is killed when this process exits, and counted by {@link livingChildren} until it has exited.
 */
export function trackChild (child: ChildProcess): void {
  installExitHook()
  living.add(child)
  const forget = (): void => { living.delete(child) }
  child.once('close', forget)
  child.once('error', forget)
}

/** The number of children started here that have not exited yet (for tests and the final check) */
export function livingChildren (): number {
  return living.size
}

/**
 * A child process that prints one JSON object per line on stdout (the go-rdv convention). Lines are
 * collected in order; {@link waitFor} waits for one matching a predicate, bounded in time. Every child is
 * killed when its lifetime is up, and when this process exits.
 */
export class JsonLinesProcess {
  readonly events: JsonEvent[] = []
  /** Lines of stdout that were not JSON objects */
  readonly garbage: string[] = []
  readonly stderr: string[] = []
  readonly exited: Promise<ProcessExit>
  private readonly child: ChildProcess
  private readonly waiters = new Set<() => void>()
  private exit?: ProcessExit
  private readonly lifetimeTimer: ReturnType<typeof setTimeout>

  private constructor (command: string, args: string[], options: JsonLinesProcessOptions) {
    this.child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    trackChild(this.child)
    this.lifetimeTimer = setTimeout(() => { this.child.kill('SIGKILL') }, options.lifetime)
    this.lifetimeTimer.unref()

    this.exited = new Promise(resolve => {
      const done = (exit: ProcessExit): void => {
        if (this.exit != null) {
          return
        }
        this.exit = exit
        clearTimeout(this.lifetimeTimer)
        this.wake()
        resolve(exit)
      }
      // 'close', not 'exit': it comes after stdout has been read to its end, so no line is lost
      this.child.once('close', (code, signal) => { done({ code, signal }) })
      this.child.once('error', () => { done({ code: null, signal: null }) })
    })
    // a child that dies before reading stdin must not crash us with EPIPE
    this.child.stdin?.on('error', () => {})

    splitLines(this.child.stdout, line => {
      try {
        const parsed = JSON.parse(line)
        if (parsed != null && typeof parsed === 'object' && !Array.isArray(parsed)) {
          this.events.push(parsed)
          this.wake()
          options.onEvent?.(parsed)
          return
        }
      } catch {
        // not JSON: kept below as garbage, which a driver can report
      }
      this.garbage.push(line)
    })
    splitLines(this.child.stderr, line => {
      // bounded: a chatty child must not grow memory without end
      if (this.stderr.length < 200) {
        this.stderr.push(line)
      }
      options.onStderr?.(line)
    })
  }

  /** Spawn `command args`, reading JSON lines from its stdout */
  static start (command: string, args: string[], options: JsonLinesProcessOptions): JsonLinesProcess {
    return new JsonLinesProcess(command, args, options)
  }

  get pid (): number | undefined {
    return this.child.pid
  }

  /** The exit status once the child has exited */
  get exitStatus (): ProcessExit | undefined {
    return this.exit
  }

  /**
   * The first event (from the start) that satisfies `predicate`. Rejects when `timeout` ms pass first,
   * or when the child exits without printing one.
   */
  async waitFor (predicate: (event: JsonEvent) => boolean, timeout: number, what = 'event'): Promise<JsonEvent> {
    const deadline = Date.now() + timeout
    while (true) {
      const found = this.events.find(predicate)
      if (found != null) {
        return found
      }
      if (this.exit != null) {
        throw new Error(`the child exited (${describeExit(this.exit)}) before ${what}${this.tail()}`)
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(`no ${what} within ${timeout} ms${this.tail()}`)
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(wake, left)
        function wake (): void {
          clearTimeout(timer)
          resolve()
        }
        this.waiters.add(wake)
      })
    }
  }

  /** Wait for the child to exit, killing it if it has not within `timeout` ms */
  async waitForExit (timeout: number): Promise<ProcessExit> {
    const timer = setTimeout(() => { this.child.kill('SIGKILL') }, timeout)
    try {
      return await this.exited
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Ask the child to stop (stdin closed, then SIGTERM) and wait up to `grace` ms before SIGKILL.
   * Resolves once it has exited.
   */
  async stop (grace = 2_000): Promise<ProcessExit> {
    if (this.exit != null) {
      return this.exit
    }
    this.child.stdin?.end()
    this.child.kill('SIGTERM')
    return this.waitForExit(grace)
  }

  /** The last stderr lines, for error messages */
  tail (lines = 5): string {
    const last = this.stderr.slice(-lines)
    return last.length === 0 ? '' : `; stderr: ${last.join(' | ')}`
  }

  private wake (): void {
    const waiters = [...this.waiters]
    this.waiters.clear()
    waiters.forEach(wake => { wake() })
  }
}

function describeExit (exit: ProcessExit): string {
  return exit.signal != null ? `signal ${exit.signal}` : `code ${exit.code}`
}

/** Feed each complete line of a byte stream to `onLine` */
export function splitLines (stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream == null) {
    return
  }
  let rest = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    rest += chunk
    let newline = rest.indexOf('\n')
    while (newline >= 0) {
      const line = rest.slice(0, newline).trim()
      rest = rest.slice(newline + 1)
      if (line !== '') {
        onLine(line)
      }
      newline = rest.indexOf('\n')
    }
  })
  stream.on('end', () => {
    const line = rest.trim()
    rest = ''
    if (line !== '') {
      onLine(line)
    }
  })
}
