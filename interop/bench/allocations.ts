/**
 * Summarise V8 sampling heap profiles (`phase-<k>.heapprofile`, written by `ts-server.ts` with
 * `BENCH_ALLOCATIONS=1` beside each phase's CPU profile): the bytes allocated during a phase, garbage
 * included, by the function that allocated them, by package, and by package with Node.js core and native
 * allocations charged to the package that called them (as `profile.ts` charges time). Per operation when
 * told how many the phase served.
 *
 * `node interop/bench/allocations.ts <file.heapprofile>... [--per <operations>] [--top <n>]`
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { isUnowned, packageOf, shortUrl } from './profile.ts'

interface HeapNode {
  callFrame: { functionName: string, url: string, lineNumber: number }
  selfSize: number
  id: number
  children: HeapNode[]
}

interface HeapProfile {
  head: HeapNode
}

export interface AllocationRow {
  name: string
  bytes: number
}

/** Bytes by function (with its place), by package, and by paying package, over the profiles */
export function allocations (profiles: HeapProfile[]): { total: number, functions: AllocationRow[], packages: AllocationRow[], charged: AllocationRow[] } {
  const functions = new Map<string, number>()
  const packages = new Map<string, number>()
  const charged = new Map<string, number>()
  const add = (map: Map<string, number>, key: string, bytes: number): void => { map.set(key, (map.get(key) ?? 0) + bytes) }
  let total = 0
  // depth-first with each node's nearest caller that belongs to a package (the payer of unowned allocations)
  const stack: Array<[HeapNode, string]> = profiles.map(p => [p.head, '(root)'])
  while (stack.length > 0) {
    const [node, payer] = stack.pop() as [HeapNode, string]
    const { functionName, url, lineNumber } = node.callFrame
    const pkg = packageOf(url)
    const own = !isUnowned(pkg) && url !== '' ? pkg : payer
    if (node.selfSize > 0) {
      total += node.selfSize
      add(functions, `\`${functionName === '' ? '(anonymous)' : functionName}\` ${url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`}`, node.selfSize)
      add(packages, pkg, node.selfSize)
      add(charged, own, node.selfSize)
    }
    for (const child of node.children) {
      stack.push([child, own])
    }
  }
  const rows = (map: Map<string, number>): AllocationRow[] => [...map].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes)
  return { total, functions: rows(functions), packages: rows(packages), charged: rows(charged) }
}

/** A markdown summary: totals, packages, and the top functions, in bytes per operation when `per` is given */
export async function summarizeAllocations (paths: string[], per = 1, top = 25): Promise<string> {
  const profiles = await Promise.all(paths.map(async p => JSON.parse(await readFile(p, 'utf8')) as HeapProfile))
  const { total, functions, packages, charged } = allocations(profiles)
  const unit = per === 1 ? 'bytes' : 'bytes per operation'
  const fmt = (bytes: number): string => Math.round(bytes / per).toLocaleString('en-US')
  const share = (bytes: number): string => `${(bytes * 100 / Math.max(1, total)).toFixed(0)}%`
  return [
    `${fmt(total)} ${unit} allocated (sampled, garbage included) in ${paths.length} profile(s).`,
    '',
    'By package: ' + packages.slice(0, 10).map(r => `${r.name} ${fmt(r.bytes)} (${share(r.bytes)})`).join(', ') + '.',
    '',
    'By paying package (core and native charged to the caller): ' + charged.slice(0, 10).map(r => `${r.name} ${fmt(r.bytes)} (${share(r.bytes)})`).join(', ') + '.',
    '',
    `| ${unit} | share | function |`,
    '|---:|---:|---|',
    ...functions.slice(0, top).map(r => `| ${fmt(r.bytes)} | ${share(r.bytes)} | ${r.name} |`)
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { per: { type: 'string', default: '1' }, top: { type: 'string', default: '25' } } })
  if (positionals.length === 0) {
    process.stderr.write('usage: node interop/bench/allocations.ts <file.heapprofile>... [--per <operations>] [--top <n>]\n')
    process.exit(2)
  }
  process.stdout.write(`${await summarizeAllocations(positionals, Number(values.per), Number(values.top))}\n`)
}
