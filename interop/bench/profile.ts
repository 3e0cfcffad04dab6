/**
 * Summarise a V8 CPU profile (`node --cpu-prof`) by self time: which functions the samples landed in.
 *
 * `node interop/bench/profile.ts <file.cpuprofile>... [top=20]` (several files: one summary over all)
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

/** Self time per function (name + location), largest first; and per package; over one or more profiles */
export function selfTimes (profiles: CpuProfile[]): { totalMs: number, rows: SelfTimeRow[], packages: SelfTimeRow[] } {
  const micros: Array<[ProfileNode, number]> = []
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map(n => [n.id, n]))
    const perNode = new Map<number, number>()
    const samples = profile.samples ?? []
    const deltas = profile.timeDeltas ?? []
    for (let i = 0; i < samples.length; i++) {
      // a sample's delta is the time since the previous one: attribute it to this sample's node
      perNode.set(samples[i], (perNode.get(samples[i]) ?? 0) + Math.max(0, deltas[i] ?? 0))
    }
    for (const [id, us] of perNode) {
      const node = byId.get(id)
      if (node != null) {
        micros.push([node, us])
      }
    }
  }
  const grouped = new Map<string, SelfTimeRow>()
  const packages = new Map<string, SelfTimeRow>()
  let total = 0
  for (const [node, us] of micros) {
    if (isNotWork(node)) {
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

/** A markdown table of the top functions by self time, over one or more profiles of the same phase */
export async function summarizeProfile (paths: string | string[], top = 20): Promise<string> {
  const list = typeof paths === 'string' ? [paths] : paths
  const profiles = await Promise.all(list.map(async p => JSON.parse(await readFile(p, 'utf8')) as CpuProfile))
  const { totalMs, rows, packages } = selfTimes(profiles)
  const where = list.length === 1 ? list[0].split('/').slice(-2).join('/') : `${list.length} profiles in ${list[0].split('/').slice(-2, -1)[0]}`
  const lines = [
    `${(totalMs / 1000).toFixed(2)} s of main-thread work sampled, idle excluded (${where}).`,
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
  const args = process.argv.slice(2)
  const top = args.length > 1 && /^\d+$/.test(args[args.length - 1]) ? Number(args.pop()) : 20
  if (args.length === 0) {
    process.stderr.write('usage: node interop/bench/profile.ts <file.cpuprofile>... [top]\n')
    process.exit(2)
  }
  process.stdout.write(`${await summarizeProfile(args, top)}\n`)
}
