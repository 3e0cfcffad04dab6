#!/usr/bin/env node
// `pnpm test`: runs lint, dep-check and every package's tests through turbo (output as it comes), then
// prints one line with the totals of passed, failed and skipped tests across packages, read from each
// package's mocha summary ("N passing", "N failing", "N pending"), after the last lines of each task that
// failed (a CI log is often read from its end: what failed is then there). Exits with turbo's exit code.
import { spawn } from 'node:child_process'

const args = ['exec', 'turbo', 'run', 'lint', 'dep-check', 'test', '--concurrency=2', '--continue', ...process.argv.slice(2)]
const child = spawn('pnpm', args, { stdio: ['inherit', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') } })

// Lines that say nothing to act on in a clean run: mocha's default globs name file kinds a package may not
// have, and the packages run their TypeScript tests through Node's type transform on purpose (aegir
// starts mocha with its own NODE_OPTIONS, so the warning cannot be switched off from here)
const NOISE = /Cannot find any files matching pattern "test\/(node\.\*js|\*\*\/\*\.spec\.\*js|node\.\*ts|browser\.\*[jt]s|\*\*\/\*\.spec\.\*ts)"|ExperimentalWarning: Transform Types is an experimental feature/
const TRACE_HINT = /\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)/
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g
const totals = { passed: 0, failed: 0, skipped: 0 }
const packages = new Set()
const failedTasks = []
/** The last lines of each task's output, by turbo's prefix ("@rendezvous/cli:test") */
const TAIL_LINES = 40
const tails = new Map()
const TASK_PREFIX = /^(\S+?:[\w-]+):/

function scan (stream, out) {
  let rest = ''
  let dropped = false
  stream.setEncoding('utf8')
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) {
      const plain = line.replace(ANSI, '')
      if (NOISE.test(plain)) {
        dropped = true
        continue
      }
      // the hint that follows a dropped warning goes with it
      if (dropped && TRACE_HINT.test(plain)) {
        dropped = false
        continue
      }
      dropped = false
      out.write(line + '\n')
      const task = TASK_PREFIX.exec(plain)
      if (task != null) {
        const tail = tails.get(task[1]) ?? []
        tail.push(plain)
        if (tail.length > TAIL_LINES) {
          tail.shift()
        }
        tails.set(task[1], tail)
      }
      const summary = /^(\S+?):test:\s+(\d+) (passing|failing|pending)\b/.exec(plain)
      if (summary != null) {
        packages.add(summary[1])
        const key = { passing: 'passed', failing: 'failed', pending: 'skipped' }[summary[3]]
        totals[key] += Number(summary[2])
      }
      // turbo lists the failed tasks on one line: "Failed:    a#test, b#test"
      const failed = /^\s*Failed:\s+(.+)$/.exec(plain)
      if (failed != null) {
        failedTasks.push(...failed[1].split(',').map(t => t.trim()).filter(t => t !== ''))
      }
    }
  })
  stream.on('end', () => { if (rest !== '') out.write(rest) })
}

scan(child.stdout, process.stdout)
scan(child.stderr, process.stderr)

child.on('close', (code, signal) => {
  for (const task of failedTasks) {
    // turbo names a task "pkg#task" in its summary and prefixes its lines with "pkg:task:"
    const tail = tails.get(task.replace('#', ':'))
    if (tail != null) {
      process.stdout.write(`\n--- the last ${tail.length} lines of ${task} ---\n${tail.join('\n')}\n`)
    }
  }
  const failedPart = failedTasks.length > 0 ? `; failed tasks: ${failedTasks.join(', ')}` : ''
  process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped across ${packages.size} packages${failedPart}\n`)
  process.exit(code ?? (signal != null ? 1 : 0))
})
