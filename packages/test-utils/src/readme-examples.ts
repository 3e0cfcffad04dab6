import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deserialize } from 'node:v8'
import { CAPTURE_FILE_ENV, EXAMPLE_TIMEOUT_MS, NOT_RUN } from './constants.ts'
import { ExampleFailedError, UnknownCodeBlockError } from './errors.ts'

/** A fenced code block of a README in TypeScript or JavaScript */
export interface ReadmeExample {
  /** The README's line the block's fence opens on (1-based), for naming the test */
  line: number
  language: 'ts' | 'js'
  /** `undefined` for an example that runs; otherwise why it does not (one of {@link NOT_RUN}) */
  notRun?: typeof NOT_RUN[number]
  source: string
  /**
   * What each `console.log`/`console.info` line of the source says it prints, in order: the text of its
   * trailing `// comment`, less a closing explanation in parentheses (`console.log(n) // 0 (none left)`
   * expects `0`); empty when no printing line carries such a comment
   */
  commented: string[]
}

/** What an example printed, line by line */
export interface PrintedLine {
  /** The values handed to `console.log`/`console.info` */
  args: unknown[]
  /** The line as Node formats it */
  text: string
}

export interface RunExampleOptions {
  /**
   * The package directory the example is written into, so that its imports resolve exactly as they would
   * for a user of the package: the package by its own name (its built `dist`), its dependencies by theirs
   */
  packageDir: URL
  /** Extra environment for the example's process */
  env?: Record<string, string>
  /** Milliseconds before the example is killed; default {@link EXAMPLE_TIMEOUT_MS} */
  timeout?: number
}

export interface ExampleRun {
  printed: PrintedLine[]
  stderr: string
}

const FENCE = /^```(\S*)(?:[ \t]+(\S+))?[ \t]*$/

/** Every TypeScript and JavaScript block of a README, in order; any other info word than {@link NOT_RUN} throws */
export async function readmeExamples (readme: URL): Promise<ReadmeExample[]> {
  const lines = (await readFile(readme, 'utf8')).split('\n')
  const examples: ReadmeExample[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i])
    if (open == null) {
      continue
    }
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'))
    if (end < 0) {
      throw new UnknownCodeBlockError(`${fileURLToPath(readme)}:${i + 1}: a code block that is never closed`)
    }
    const [, language, word] = open
    if (language === 'ts' || language === 'js') {
      if (word != null && !(NOT_RUN as readonly string[]).includes(word)) {
        throw new UnknownCodeBlockError(`${fileURLToPath(readme)}:${i + 1}: \`\`\`${language} ${word}: say ${NOT_RUN.join(', ')} or nothing (it runs)`)
      }
      const source = lines.slice(i + 1, end).join('\n')
      examples.push({ line: i + 1, language, notRun: word as ReadmeExample['notRun'], source, commented: commentedOutput(source) })
    }
    i = end
  }
  return examples
}

/** The `// comment` of each printing line; see {@link ReadmeExample.commented} */
export function commentedOutput (source: string): string[] {
  const out: string[] = []
  for (const line of source.split('\n')) {
    const found = /^\s*(?:await\s+)?console\.(?:log|info)\(.*?\)\s*\/\/\s*(.*)$/.exec(line)
    if (found != null) {
      out.push(found[1].replace(/\s+\([^()]*\)$/, '').trim())
    }
  }
  return out
}

/**
 * Run one example unchanged, in a process of its own: the file is written into the package directory (so its
 * imports resolve as a user's would) and run with a fresh temporary directory as its working directory (so
 * relative paths such as `./registrations.sqlite` land there and are removed afterwards). Rejects with
 * {@link ExampleFailedError}, carrying its stderr, if it exits otherwise than with 0 or runs out of time.
 */
export async function runExample (example: ReadmeExample, options: RunExampleOptions): Promise<ExampleRun> {
  const scratch = new URL('.readme-examples/', options.packageDir)
  await mkdir(scratch, { recursive: true })
  const file = new URL(`line-${example.line}.${example.language === 'ts' ? 'mts' : 'mjs'}`, scratch)
  const cwd = await mkdtemp(join(tmpdir(), 'readme-example-'))
  const capture = join(cwd, '.printed')
  await writeFile(file, example.source)
  try {
    const stderr = await runNode([
      // beside this module: `.js` once built, `.ts` when this package's own tests run its source
      // the tests' own runner may ask Node for experimental features: their warnings are not the example's
      '--disable-warning=ExperimentalWarning',
      '--import', new URL(`./capture-console.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url).href,
      fileURLToPath(file)
    ], { cwd, env: { ...process.env, ...options.env, [CAPTURE_FILE_ENV]: capture }, timeout: options.timeout ?? EXAMPLE_TIMEOUT_MS })
    return { printed: await readPrinted(capture), stderr }
  } finally {
    await rm(file, { force: true })
    await rm(cwd, { recursive: true, force: true })
  }
}

async function runNode (args: string[], options: { cwd: string, env: NodeJS.ProcessEnv, timeout: number }): Promise<string> {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, options.timeout)
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (code, signal) => { resolve([code, signal]) })
    })
    if (code !== 0) {
      const how = signal === 'SIGKILL' ? `ran out of its ${options.timeout} ms` : `exited with ${String(code ?? signal)}`
      throw new ExampleFailedError(`the example ${how}:\n${stderr}`)
    }
    return stderr
  } finally {
    clearTimeout(timer)
  }
}

async function readPrinted (capture: string): Promise<PrintedLine[]> {
  let bytes: Buffer
  try {
    bytes = await readFile(capture)
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      return []
    }
    throw err
  }
  const printed: PrintedLine[] = []
  for (let offset = 0; offset < bytes.byteLength;) {
    const length = bytes.readUInt32BE(offset)
    printed.push(deserialize(bytes.subarray(offset + 4, offset + 4 + length)))
    offset += 4 + length
  }
  return printed
}

/**
 * Run an example and check it printed what its comments say, line for line (an example without such
 * comments must print nothing, or its test checks the values itself from the returned run)
 */
export async function runAsCommented (example: ReadmeExample, options: RunExampleOptions): Promise<ExampleRun> {
  const run = await runExample(example, options)
  assert.deepEqual(run.printed.map(line => line.text), example.commented, `what the example at README line ${example.line} prints`)
  return run
}

/**
 * A mocha suite for a package's README: one test per example that runs (it must print what its comments
 * say), and one that the README has at least one. For a README whose examples need more than their
 * comments checked, call {@link runExample} from a test of its own.
 */
export function describeReadmeExamples (readme: URL, options: RunExampleOptions): void {
  describe(`the examples of ${readme.pathname.split('/').slice(-2).join('/')} run unchanged`, function () {
    this.timeout(options.timeout ?? EXAMPLE_TIMEOUT_MS)
    let examples: ReadmeExample[] = []

    before(async () => {
      examples = (await readmeExamples(readme)).filter(example => example.notRun == null)
    })

    it('the README has an example that runs, and each prints what its comments say', async () => {
      assert.ok(examples.length > 0, `${fileURLToPath(readme)} has no example that runs`)
      for (const example of examples) {
        await runAsCommented(example, options)
      }
    })
  })
}
