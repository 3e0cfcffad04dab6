/**
 * Summarise a V8 CPU profile (`node --cpu-prof`) by self time: which functions the samples landed in, and
 * which packages, with native and Node.js core time charged to the package that called it.
 *
 * `node interop/bench/profile.ts <file.cpuprofile>... [top=20]` (several files: one summary over all)
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  hitCount?: number
  children?: number[]
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

export function shortUrl (url: string): string {
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
export function packageOf (url: string): string {
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

/** Whether a package name stands for code of no package: native, Node.js core JS, GC, the program itself */
export const isUnowned = (pkg: string): boolean => pkg.startsWith('(native') || pkg.startsWith('node:')

/**
 * The package a sample's time is charged to: its own, or, for native code and Node.js core JS (a socket
 * write, a verification, a promise job), the nearest caller that belongs to a package. That says which
 * package made the work happen: `writeBuffer` called from `@libp2p/tcp`'s `sendData` is charged to
 * `@libp2p/tcp`. Garbage collection and work with no package on its stack stay unowned.
 */
function chargedPackage (node: ProfileNode, parentOf: Map<number, ProfileNode>): string {
  let at: ProfileNode | undefined = node
  while (at != null) {
    const pkg = packageOf(at.callFrame.url)
    if (!isUnowned(pkg) && at.callFrame.url !== '') {
      return pkg
    }
    at = parentOf.get(at.id)
  }
  return packageOf(node.callFrame.url)
}

/**
 * Self time per function (name + location), largest first; per package (self); and per package with
 * native and Node.js core time charged to the calling package (`charged`); over one or more profiles
 */
export function selfTimes (profiles: CpuProfile[]): { totalMs: number, rows: SelfTimeRow[], packages: SelfTimeRow[], charged: SelfTimeRow[] } {
  const micros: Array<[ProfileNode, number, string]> = []
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map(n => [n.id, n]))
    const parentOf = new Map<number, ProfileNode>()
    for (const n of profile.nodes) {
      for (const c of n.children ?? []) {
        parentOf.set(c, n)
      }
    }
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
        micros.push([node, us, chargedPackage(node, parentOf)])
      }
    }
  }
  const grouped = new Map<string, SelfTimeRow>()
  const packages = new Map<string, SelfTimeRow>()
  const charged = new Map<string, SelfTimeRow>()
  const add = (map: Map<string, SelfTimeRow>, name: string, us: number): void => {
    const row = map.get(name) ?? { name, location: '', ms: 0, share: 0 }
    row.ms += us / 1000
    map.set(name, row)
  }
  let total = 0
  for (const [node, us, payer] of micros) {
    if (isNotWork(node)) {
      continue
    }
    total += us
    add(packages, packageOf(node.callFrame.url), us)
    add(charged, payer, us)
    const name = node.callFrame.functionName === '' ? '(anonymous)' : node.callFrame.functionName
    const location = node.callFrame.url === '' ? '' : `${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`
    const key = `${name}@${location}`
    const row = grouped.get(key) ?? { name, location, ms: 0, share: 0 }
    row.ms += us / 1000
    grouped.set(key, row)
  }
  const rows = [...grouped.values()].sort((a, b) => b.ms - a.ms)
  const pkgRows = [...packages.values()].sort((a, b) => b.ms - a.ms)
  const chargedRows = [...charged.values()].sort((a, b) => b.ms - a.ms)
  for (const row of [...rows, ...pkgRows, ...chargedRows]) {
    row.share = total > 0 ? row.ms * 1000 / total : 0
  }
  return { totalMs: total / 1000, rows, packages: pkgRows, charged: chargedRows }
}

/** A markdown table of the top functions by self time, over one or more profiles of the same phase */
export async function summarizeProfile (paths: string | string[], top = 20): Promise<string> {
  const list = typeof paths === 'string' ? [paths] : paths
  const profiles = await Promise.all(list.map(async p => JSON.parse(await readFile(p, 'utf8')) as CpuProfile))
  const { totalMs, rows, packages, charged } = selfTimes(profiles)
  const where = list.length === 1 ? list[0].split('/').slice(-2).join('/') : `${list.length} profiles in ${list[0].split('/').slice(-2, -1)[0]}`
  const lines = [
    `${(totalMs / 1000).toFixed(2)} s of main-thread work sampled, idle excluded (${where}).`,
    '',
    'By package (self time): ' + packages.slice(0, 8).map(p => `${p.name} ${(p.share * 100).toFixed(0)}%`).join(', ') + '.',
    '',
    'By package, native and Node.js core time charged to the calling package: ' + charged.slice(0, 10).map(p => `${p.name} ${(p.share * 100).toFixed(0)}%`).join(', ') + '.',
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
