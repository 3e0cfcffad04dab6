/**
 * What a V8 heap snapshot (`.heapsnapshot`, as `ts-server.ts --heap-snapshot-dir` writes them) holds, by class:
 * the count and self size of the objects of each constructor (DevTools' "Summary"), and the retained size of
 * each class's instances from the dominator tree (what would be freed with them). `idle-heap.ts` compares the
 * snapshot of a point with N idle connections with the one of the same point before them.
 *
 * `node interop/bench/heap-summary.ts <snapshot> [<baseline snapshot> <connections>]` prints the largest
 * classes (and, with a baseline, the growth per connection).
 */
import { readFileSync } from 'node:fs'

/** The tables go to stdout */
function print (text: string): void {
  process.stdout.write(`${text}\n`)
}

/** One class of objects in a snapshot */
export interface HeapClass {
  name: string
  count: number
  /** Bytes of the objects themselves */
  selfSize: number
  /**
   * Bytes the instances retain together (the sum over instances not dominated by another instance of the
   * same class, so nested instances are not counted twice)
   */
  retainedSize: number
}

export interface HeapSummary {
  /** Self sizes of every node, summed */
  totalSize: number
  nodes: number
  classes: Map<string, HeapClass>
}

/**
 * The class a node is counted under: its constructor for objects; strings, code, arrays, closures and
 * V8's hidden and native objects by kind (closures and natives with their name, which is often a package's)
 */
function classOf (type: string, name: string): string {
  switch (type) {
    case 'object': return name
    case 'closure': return `(closure) ${name === '' ? 'anonymous' : name}`
    case 'string': case 'concatenated string': case 'sliced string': return '(string)'
    case 'code': return '(code)'
    case 'array': return `(array) ${name}`
    case 'hidden': return `(hidden) ${name.replace(/\s*\/.*$/, '')}`
    case 'native': return `(native) ${name.replace(/\s*@\d+$/, '')}`
    case 'number': case 'heap number': return '(number)'
    case 'object shape': return '(shape)'
    case 'regexp': return '(regexp)'
    case 'bigint': return '(bigint)'
    default: return `(${type})`
  }
}

/** Read a snapshot and summarise it by class, with retained sizes */
export function summarizeHeap (path: string): HeapSummary {
  const snapshot = JSON.parse(readFileSync(path, 'utf8'))
  const meta = snapshot.snapshot.meta
  const nodeFields: string[] = meta.node_fields
  const edgeFields: string[] = meta.edge_fields
  const nodeTypes: string[] = meta.node_types[0]
  const edgeTypes: string[] = meta.edge_types[0]
  const strings: string[] = snapshot.strings
  const nodes: number[] = snapshot.nodes
  const edges: number[] = snapshot.edges
  const NF = nodeFields.length
  const EF = edgeFields.length
  const typeAt = nodeFields.indexOf('type')
  const nameAt = nodeFields.indexOf('name')
  const sizeAt = nodeFields.indexOf('self_size')
  const edgeCountAt = nodeFields.indexOf('edge_count')
  const edgeTypeAt = edgeFields.indexOf('type')
  const edgeToAt = edgeFields.indexOf('to_node')
  const weak = edgeTypes.indexOf('weak')
  const shortcut = edgeTypes.indexOf('shortcut')
  const n = nodes.length / NF

  // each node's class, as an index into names
  const names: string[] = []
  const nameIndex = new Map<string, number>()
  const cls = new Int32Array(n)
  const size = new Float64Array(n)
  const firstEdge = new Int32Array(n + 1)
  let totalSize = 0
  for (let i = 0, e = 0; i < n; i++) {
    const name = classOf(nodeTypes[nodes[i * NF + typeAt]], strings[nodes[i * NF + nameAt]])
    let k = nameIndex.get(name)
    if (k == null) {
      k = names.length
      names.push(name)
      nameIndex.set(name, k)
    }
    cls[i] = k
    size[i] = nodes[i * NF + sizeAt]
    totalSize += size[i]
    firstEdge[i] = e
    e += nodes[i * NF + edgeCountAt]
    firstEdge[i + 1] = e
  }
  const target = (edge: number): number => edges[edge * EF + edgeToAt] / NF
  const strong = (edge: number): boolean => {
    const t = edges[edge * EF + edgeTypeAt]
    return t !== weak && t !== shortcut
  }

  // depth-first post order from the root (node 0), over strong edges, without recursion
  const order = new Int32Array(n).fill(-1)
  const post: number[] = []
  const stack: number[] = [0]
  const cursor = new Int32Array(n)
  order[0] = -2
  for (let i = 0; i < n; i++) { cursor[i] = firstEdge[i] }
  while (stack.length > 0) {
    const v = stack[stack.length - 1]
    if (cursor[v] < firstEdge[v + 1]) {
      const edge = cursor[v]++
      if (!strong(edge)) { continue }
      const w = target(edge)
      if (order[w] === -1) {
        order[w] = -2
        stack.push(w)
      }
    } else {
      stack.pop()
      order[v] = post.length
      post.push(v)
    }
  }
  // predecessors of each reachable node
  const predCount = new Int32Array(n + 1)
  for (let v = 0; v < n; v++) {
    if (order[v] < 0) { continue }
    for (let edge = firstEdge[v]; edge < firstEdge[v + 1]; edge++) {
      if (strong(edge) && order[target(edge)] >= 0) { predCount[target(edge) + 1]++ }
    }
  }
  for (let v = 0; v < n; v++) { predCount[v + 1] += predCount[v] }
  const preds = new Int32Array(predCount[n])
  const fill = predCount.slice(0, n)
  for (let v = 0; v < n; v++) {
    if (order[v] < 0) { continue }
    for (let edge = firstEdge[v]; edge < firstEdge[v + 1]; edge++) {
      const w = target(edge)
      if (strong(edge) && order[w] >= 0) { preds[fill[w]++] = v }
    }
  }
  // immediate dominators: Cooper, Harvey and Kennedy's iteration over reverse post order
  const idom = new Int32Array(n).fill(-1)
  idom[0] = 0
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (order[a] < order[b]) { a = idom[a] }
      while (order[b] < order[a]) { b = idom[b] }
    }
    return a
  }
  for (let changed = true, passes = 0; changed && passes < 100; passes++) {
    changed = false
    for (let k = post.length - 1; k >= 0; k--) {
      const v = post[k]
      if (v === 0) { continue }
      let dom = -1
      for (let p = predCount[v]; p < predCount[v + 1]; p++) {
        const u = preds[p]
        if (idom[u] !== -1) { dom = dom === -1 ? u : intersect(u, dom) }
      }
      if (dom !== -1 && idom[v] !== dom) {
        idom[v] = dom
        changed = true
      }
    }
  }
  // retained sizes: children before their dominator (post order)
  const retained = Float64Array.from(size)
  for (const v of post) {
    if (v !== 0 && idom[v] >= 0) { retained[idom[v]] += retained[v] }
  }
  // an instance counts towards its class's retained size unless an instance of the same class dominates it
  const classes = new Map<string, HeapClass>()
  for (let v = 0; v < n; v++) {
    const name = names[cls[v]]
    let c = classes.get(name)
    if (c == null) {
      c = { name, count: 0, selfSize: 0, retainedSize: 0 }
      classes.set(name, c)
    }
    c.count++
    c.selfSize += size[v]
    if (order[v] < 0) { continue }
    let nested = false
    // bounded: a long chain (a linked list) is cut short, and its deeper instances counted twice
    for (let d = idom[v], steps = 0; d > 0 && steps < 200; d = idom[d], steps++) {
      if (cls[d] === cls[v]) { nested = true; break }
    }
    if (!nested) { c.retainedSize += retained[v] }
  }
  return { totalSize, nodes: n, classes }
}

/** Growth of each class from `baseline` to `loaded`, per connection, largest self size first */
export function growthPerConnection (loaded: HeapSummary, baseline: HeapSummary, connections: number): Array<HeapClass & { perConnection: { count: number, selfBytes: number, retainedBytes: number } }> {
  const rows = []
  for (const c of loaded.classes.values()) {
    const b = baseline.classes.get(c.name) ?? { count: 0, selfSize: 0, retainedSize: 0 }
    rows.push({
      ...c,
      perConnection: {
        count: (c.count - b.count) / connections,
        selfBytes: (c.selfSize - b.selfSize) / connections,
        retainedBytes: (c.retainedSize - b.retainedSize) / connections
      }
    })
  }
  return rows.sort((a, b) => b.perConnection.selfBytes - a.perConnection.selfBytes)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, baselinePath, connections] = process.argv.slice(2)
  const loaded = summarizeHeap(path)
  if (baselinePath == null) {
    const top = [...loaded.classes.values()].sort((a, b) => b.selfSize - a.selfSize).slice(0, 40)
    print(`${loaded.nodes} nodes, ${(loaded.totalSize / 1048576).toFixed(1)} MiB`)
    for (const c of top) { print(`${(c.selfSize / 1024).toFixed(0).padStart(9)} KiB self ${(c.retainedSize / 1024).toFixed(0).padStart(9)} KiB retained ${String(c.count).padStart(8)}  ${c.name}`) }
  } else {
    const baseline = summarizeHeap(baselinePath)
    const n = Number(connections)
    print(`heap ${(baseline.totalSize / 1048576).toFixed(1)} → ${(loaded.totalSize / 1048576).toFixed(1)} MiB: ${((loaded.totalSize - baseline.totalSize) / n / 1024).toFixed(2)} KiB per connection`)
    for (const c of growthPerConnection(loaded, baseline, n).slice(0, 50)) {
      print(`${c.perConnection.selfBytes.toFixed(0).padStart(7)} B self ${c.perConnection.retainedBytes.toFixed(0).padStart(8)} B retained ${c.perConnection.count.toFixed(2).padStart(7)} objects  ${c.name}`)
    }
  }
}
