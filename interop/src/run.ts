/**
 * `pnpm test:interop`: check for Go, build the Go peer, run the matrix, print it, publish it in
 * docs/interop.md, and exit 1 if a cell FAILs (2 when the run could not start).
 *
 * Flags: `--only <case id>[,<case id>…]` runs some rows (and does not publish), `--no-write` does not
 * publish, `--verbose` echoes the Go peers' stderr.
 */
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { CASES } from './cases/index.ts'
import { goWakuImplementation } from './go-peer.ts'
import { GoToolchainMissingError, buildGoPeer, findGo } from './go-toolchain.ts'
import { livingChildren } from './json-lines-process.ts'
import { runMatrix } from './matrix.ts'
import { renderReport, writeReport } from './report.ts'
import { tsImplementation } from './ts-peer.ts'
import type { Pair } from './case.ts'

const out = (line: string): void => { process.stdout.write(`${line}\n`) }
const err = (line: string): void => { process.stderr.write(`${line}\n`) }

async function main (): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false }
    }
  })
  const peerDir = fileURLToPath(new URL('../../go-waku-rendezvous/', import.meta.url))
  const docPath = fileURLToPath(new URL('../../../docs/interop.md', import.meta.url))

  let go: { go: string, version: string }
  try {
    go = await findGo()
  } catch (e: any) {
    if (e instanceof GoToolchainMissingError) {
      err(`interop: ${e.message}`)
      return 2
    }
    throw e
  }
  out(`interop: ${go.version}; building the Go peer in ${peerDir} (cached builds take seconds, a cold one a minute or two)`)
  const buildStarted = Date.now()
  const binary = await buildGoPeer(go.go, peerDir)
  out(`interop: built ${binary} in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s`)

  const goWaku = goWakuImplementation({ binary, onStderr: values.verbose ? line => { err(`  [go] ${line}`) } : undefined })
  const ts = tsImplementation()
  const pairs: Pair[] = [
    { client: ts, server: goWaku },
    { client: goWaku, server: ts },
    { client: ts, server: ts }
  ]
  const only = values.only?.split(',').map(s => s.trim()).filter(s => s !== '')
  const cases = only == null ? CASES : CASES.filter(c => only.some(o => c.id === o || c.id.startsWith(`${o}-`)))
  if (cases.length === 0) {
    err(`interop: no case matches --only ${values.only}; cases: ${CASES.map(c => c.id).join(', ')}`)
    return 2
  }

  const date = new Date()
  const started = Date.now()
  let cells
  try {
    cells = await runMatrix({
      pairs,
      cases,
      onCell: cell => {
        const mark = { FAIL: 'FAIL', deviation: 'dev ', pass: 'ok  ' }[cell.verdict]
        out(`${mark} ${cell.caseId.padEnd(24)} ${cell.pair.padEnd(34)} ${(cell.ms / 1000).toFixed(1).padStart(5)} s  ${cell.detail}`)
      }
    })
  } finally {
    goWaku.cleanup()
  }
  const seconds = (Date.now() - started) / 1000
  const report = renderReport(cells, { date, seconds, goVersion: go.version, nodeVersion: process.versions.node })
  out('')
  out(report)

  if (only == null && !values['no-write']) {
    await writeReport(docPath, report)
    out(`\ninterop: matrix written to ${docPath}`)
  }
  if (livingChildren() > 0) {
    err(`interop: ${livingChildren()} child process(es) still running; they are killed on exit`)
  }
  const failed = cells.filter(c => c.verdict === 'FAIL').length
  out(failed === 0 ? 'interop: every cell passed or showed its documented deviation' : `interop: ${failed} cell(s) FAILED`)
  return failed === 0 ? 0 : 1
}

main().then(code => {
  process.exit(code)
}, (e: any) => {
  err(`interop: ${e.stack ?? e.message}`)
  process.exit(2)
})
