/**
 * `pnpm test:interop`: check for Go and Rust, build the three foreign peers, run one matrix per foreign
 * implementation (go-waku-rendezvous on 0.0.1; go-libp2p-rendezvous and rust-libp2p on 1.0.0), print them,
 * publish them in docs/interop.md, and exit 1 if a cell FAILs (2 when the run could not start).
 *
 * Flags: `--only <case id>[,…]` runs some rows (and does not publish), `--implementations <name>[,…]` some
 * matrices, `--no-write` does not publish, `--verbose` echoes the foreign peers' stderr.
 */
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { rendezvous } from '@rendezvous/codec'
import { CASES } from './cases/index.ts'
import { LIBP2P_CASES } from './cases/libp2p/index.ts'
import { PeerBuildError, ToolchainMissingError } from './errors.ts'
import { goLibp2pImplementation } from './go-libp2p-peer.ts'
import { goWakuImplementation } from './go-peer.ts'
import { livingChildren } from './json-lines-process.ts'
import { runMatrix } from './matrix.ts'
import { renderReport, writeReport } from './report.ts'
import { rustImplementation } from './rust-peer.ts'
import { buildGoPeer, buildRustPeer, findCargo, findGo, rustPeerBuilt } from './toolchain.ts'
import { tsImplementation } from './ts-peer.ts'
import type { Case, Pair } from './case.ts'
import type { Implementation } from './implementation.ts'
import type { Cell } from './matrix.ts'
import type { Toolchain } from './toolchain.ts'

const out = (line: string): void => { process.stdout.write(`${line}\n`) }
const err = (line: string): void => { process.stderr.write(`${line}\n`) }
const peerDir = (name: string): string => fileURLToPath(new URL(`../../${name}/`, import.meta.url))
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`

const GO_WAKU = 'go-waku-rendezvous'
const GO_LIBP2P = 'go-libp2p-rendezvous'
const RUST = 'rust-libp2p'
const ALL = [GO_WAKU, GO_LIBP2P, RUST]

/** Build the Rust peer, saying what it is doing every 30 s meanwhile (a cold build takes minutes) */
async function buildRust (cargo: Toolchain, dir: string): Promise<string> {
  const cold = !rustPeerBuilt(dir, 'rust-rdv')
  out(`interop: ${cargo.version}; building the rust peer in ${dir} (${cold ? 'first build: about 180 crates, 3 to 10 minutes on 2 cores' : 'cached: seconds'})...`)
  const started = Date.now()
  let compiled = 0
  let last = ''
  const ticker = setInterval(() => { out(`interop: still building the rust peer: ${compiled} crates compiled in ${seconds(started)} (last: ${last})`) }, 30_000)
  try {
    const binary = await buildRustPeer(cargo.command, dir, 'rust-rdv', {
      onLine: line => {
        if (line.startsWith('Compiling')) {
          compiled++
          last = line.split(' ').slice(1, 3).join(' ')
        }
      }
    })
    out(`interop: built ${binary} in ${seconds(started)}`)
    return binary
  } finally {
    clearInterval(ticker)
  }
}

interface Flags {
  only?: string[]
  selected: string[]
  write: boolean
  verbose: boolean
}

function parseFlags (): Flags | string {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      implementations: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false }
    }
  })
  const list = (text: string | undefined): string[] | undefined => text?.split(',').map(s => s.trim()).filter(s => s !== '')
  const selected = list(values.implementations) ?? ALL
  const unknown = selected.filter(s => !ALL.includes(s))
  if (unknown.length > 0) {
    return `unknown implementation(s) ${unknown.join(', ')}; known: ${ALL.join(', ')}`
  }
  const only = list(values.only)
  const every = [...CASES, ...LIBP2P_CASES]
  if (only != null && pickCases(every, only).length === 0) {
    return `no case matches --only ${values.only}; cases: ${every.map(c => c.id).join(', ')}`
  }
  // a run of some rows does not publish
  return { only, selected, write: only == null && !values['no-write'], verbose: values.verbose }
}

function pickCases (cases: readonly Case[], only: string[] | undefined): readonly Case[] {
  return only == null ? cases : cases.filter(c => only.some(o => c.id === o || c.id.startsWith(`${o}-`)))
}

interface Foreign {
  implementations: Array<Implementation & { cleanup(): void }>
  toolchains: Map<string, string>
}

/**
 * Check the toolchains the selected implementations need, then build their peers.
 *
 * @throws {ToolchainMissingError | PeerBuildError}
 */
async function buildForeignPeers (flags: Flags): Promise<Foreign> {
  const go = flags.selected.some(s => s.startsWith('go-')) ? await findGo() : undefined
  const cargo = flags.selected.includes(RUST) ? await findCargo() : undefined
  const onStderr = (tag: string): ((line: string) => void) | undefined => flags.verbose ? (line: string) => { err(`  [${tag}] ${line}`) } : undefined
  const foreign: Foreign = { implementations: [], toolchains: new Map() }
  for (const [name, dir, binaryName] of [[GO_WAKU, 'go-waku-rendezvous', 'go-rdv'], [GO_LIBP2P, 'go-libp2p-rendezvous', 'go-lrdv']] as const) {
    if (!flags.selected.includes(name) || go == null) {
      continue
    }
    out(`interop: ${go.version}; building the ${name} peer in ${peerDir(dir)} (cached builds take seconds, a cold one a minute or three)`)
    const started = Date.now()
    const binary = await buildGoPeer(go.command, peerDir(dir), binaryName)
    out(`interop: built ${binary} in ${seconds(started)}`)
    foreign.implementations.push(name === GO_WAKU ? goWakuImplementation({ binary, onStderr: onStderr('go-rdv') }) : goLibp2pImplementation({ binary, onStderr: onStderr('go-lrdv') }))
    foreign.toolchains.set(name, go.version)
  }
  if (cargo != null) {
    const binary = await buildRust(cargo, peerDir('rust-libp2p'))
    foreign.implementations.push(rustImplementation({ binary, onStderr: onStderr('rust-rdv') }))
    foreign.toolchains.set(RUST, cargo.version)
  }
  return foreign
}

/** One implementation's matrix: this repository's client against its server, its client against ours, and the control */
async function runImplementationMatrix (implementation: Implementation, ts: Implementation, cases: readonly Case[], implementations: readonly Implementation[], info: { toolchain?: string, docPath?: string }): Promise<Cell[]> {
  const pairs: Pair[] = [
    { client: ts, server: implementation },
    { client: implementation, server: ts },
    { client: ts, server: ts }
  ]
  out(`\ninterop: the ${implementation.name} matrix (${implementation.dialect.protocol})`)
  const date = new Date()
  const started = Date.now()
  const cells = await runMatrix({
    pairs,
    cases,
    implementations,
    onCell: cell => {
      const mark = { FAIL: 'FAIL', deviation: 'dev ', pass: 'ok  ' }[cell.verdict]
      out(`${mark} ${cell.caseId.padEnd(24)} ${cell.pair.padEnd(44)} ${(cell.ms / 1000).toFixed(1).padStart(5)} s  ${cell.detail}`)
    }
  })
  const report = renderReport(cells, { date, seconds: (Date.now() - started) / 1000, toolchain: info.toolchain, nodeVersion: process.versions.node })
  out('')
  out(report)
  if (info.docPath != null) {
    await writeReport(info.docPath, implementation.name, report)
    out(`\ninterop: the ${implementation.name} matrix written to ${info.docPath}`)
  }
  return cells
}

async function main (): Promise<number> {
  const flags = parseFlags()
  if (typeof flags === 'string') {
    err(`interop: ${flags}`)
    return 2
  }
  let foreign: Foreign
  try {
    foreign = await buildForeignPeers(flags)
  } catch (e: any) {
    if (e instanceof ToolchainMissingError || e instanceof PeerBuildError) {
      err(`interop: ${e.message}`)
      return 2
    }
    throw e
  }

  const tsV0 = tsImplementation()
  const tsV1 = tsImplementation({ dialect: rendezvous })
  // every 1.0.0 implementation of the run, for the rows that bring in clients of several families
  const v1Implementations = [tsV1, ...foreign.implementations.filter(f => f.dialect.name === rendezvous.name)]
  const docPath = flags.write ? fileURLToPath(new URL('../../../docs/interop.md', import.meta.url)) : undefined
  const summary: string[] = []
  let failed = 0
  const started = Date.now()
  try {
    for (const implementation of foreign.implementations) {
      const v1 = implementation.dialect.name === rendezvous.name
      const cases = pickCases(v1 ? LIBP2P_CASES : CASES, flags.only)
      if (cases.length === 0) {
        continue
      }
      const ts = v1 ? tsV1 : tsV0
      const cells = await runImplementationMatrix(implementation, ts, cases, v1 ? v1Implementations : [ts, implementation], { toolchain: foreign.toolchains.get(implementation.name), docPath })
      const count = (verdict: string): number => cells.filter(c => c.verdict === verdict).length
      summary.push(`${implementation.name}: ${cells.length} cells, ${count('pass')} pass, ${count('deviation')} expected deviation, ${count('FAIL')} FAIL`)
      failed += count('FAIL')
    }
  } finally {
    foreign.implementations.forEach(f => { f.cleanup() })
  }

  if (livingChildren() > 0) {
    err(`interop: ${livingChildren()} child process(es) still running; they are killed on exit`)
  }
  out('')
  summary.forEach(line => { out(`interop: ${line}`) })
  out(`interop: matrices ran in ${seconds(started)}`)
  out(failed === 0 ? 'interop: every cell passed or showed its documented deviation' : `interop: ${failed} cell(s) FAILED`)
  return failed === 0 ? 0 : 1
}

main().then(code => {
  process.exit(code)
}, (e: any) => {
  err(`interop: ${e.stack ?? e.message}`)
  process.exit(2)
})
