/**
 * Summarise a V8 CPU profile (`node --cpu-prof`) by self time: which functions the samples landed in.
 *
 * `node interop/bench/profile.ts <file.cpuprofile> [top=20]`
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

export interface SelfTimeRow {
  name: string
  location: string
  ms: number
  share: number
}

function shortUrl (url: string): string {
  if (url === '') {
    return '(native)'
  }
  const pnpm = url.lastIndexOf('/node_modules/')
  if (pnpm >= 0) {
    return url.slice(pnpm + '/node_modules/'.length)
  }
  const pkg = url.indexOf('/packages/')
  return pkg >= 0 ? url.slice(pkg + 1) : url.replace(/^file:\/\//, '')
}

/**
 * Samples that are not work: the idle loop, and the in-process inspector call that starts the profiler
 * (the profiled server is idle in it for the moment the generator waits before a phase)
 */
function isNotWork (node: ProfileNode): boolean {
  const { functionName, url } = node.callFrame
  return functionName === '(idle)' || functionName === '(program)' || (url === 'node:inspector' && functionName === 'post')
}

/** The package a function belongs to: a node_modules package, a workspace package, node itself, or native */
function packageOf (url: string): string {
  if (url === '') { return '(native: syscalls, crypto, GC)' }
  if (url.startsWith('node:')) { return 'node: (core JS)' }
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const pkg = /\/packages\/([^/]+)\//.exec(url)
  if (pkg != null) { return `@rendezvous/${pkg[1]}` }
  return url.replace(/^file:\/\//, '')
}

/** Self time per function (name + location), largest first; and per package */
export function selfTimes (profile: CpuProfile): { totalMs: number, rows: SelfTimeRow[], packages: SelfTimeRow[] } {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const micros = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  for (let i = 0; i < samples.length; i++) {
    // a sample's delta is the time since the previous one: attribute it to this sample's node
    micros.set(samples[i], (micros.get(samples[i]) ?? 0) + Math.max(0, deltas[i] ?? 0))
  }
  const grouped = new Map<string, SelfTimeRow>()
  const packages = new Map<string, SelfTimeRow>()
  let total = 0
  for (const [id, us] of micros) {
    const node = byId.get(id)
    if (node == null || isNotWork(node)) {
      continue
    }
    total += us
    const pkg = packageOf(node.callFrame.url)
    const prow = packages.get(pkg) ?? { name: pkg, location: '', ms: 0, share: 0 }
    prow.ms += us / 1000
    packages.set(pkg, prow)
    const name = node.callFrame.functionName === '' ? '(anonymous)' : node.callFrame.functionName
    const location = node.callFrame.url === '' ? '' : `${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`
    const key = `${name}@${location}`
    const row = grouped.get(key) ?? { name, location, ms: 0, share: 0 }
    row.ms += us / 1000
    grouped.set(key, row)
  }
  const rows = [...grouped.values()].sort((a, b) => b.ms - a.ms)
  const pkgRows = [...packages.values()].sort((a, b) => b.ms - a.ms)
  for (const row of [...rows, ...pkgRows]) {
    row.share = total > 0 ? row.ms * 1000 / total : 0
  }
  return { totalMs: total / 1000, rows, packages: pkgRows }
}

/** A markdown table of the top functions by self time */
export async function summarizeProfile (path: string, top = 20): Promise<string> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile
  const { totalMs, rows, packages } = selfTimes(profile)
  const lines = [
    `${(totalMs / 1000).toFixed(2)} s of main-thread work sampled, idle excluded (${path.split('/').slice(-2).join('/')}).`,
    '',
    'By package: ' + packages.slice(0, 8).map(p => `${p.name} ${(p.share * 100).toFixed(0)}%`).join(', ') + '.',
    '',
    '| self % | self ms | function | where |',
    '|---:|---:|---|---|'
  ]
  for (const row of rows.slice(0, top)) {
    lines.push(`| ${(row.share * 100).toFixed(1)} | ${row.ms.toFixed(0)} | \`${row.name}\` | ${row.location} |`)
  }
  return lines.join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, top] = process.argv.slice(2)
  if (path == null) {
    process.stderr.write('usage: node interop/bench/profile.ts <file.cpuprofile> [top]\n')
    process.exit(2)
  }
  process.stdout.write(`${await summarizeProfile(path, Number(top ?? 20))}\n`)
}
