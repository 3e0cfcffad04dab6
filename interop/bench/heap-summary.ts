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
  /**
   * Every node's self size charged to its nearest dominator of one of the owner classes (the first of
   * `owners` on its chain of dominators; `(no owner)` when none), so that the owners' shares add up to
   * the whole heap; `(no owner)` nodes are also broken down by their own class as `(no owner) <class>`
   */
  owned: Map<string, number>
}

/**
 * The objects a connection is made of, outermost first: what each of them dominates is charged to it in
 * {@link HeapSummary.owned}
 */
export const CONNECTION_OWNERS = ['Connection', 'YamuxMuxer', 'YamuxStream', 'EncryptedMessageStream', 'TCPSocketMultiaddrConnection', 'Socket', 'Ed25519PeerId', 'Multiaddr']

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

/**
 * Immediate dominators of the nodes reachable from node 0 over the edges `strong` accepts: Lengauer and
 * Tarjan's algorithm with path compression, without recursion (a heap has chains thousands deep, such as
 * Node's timer lists, on which the simpler iterative algorithms take quadratic time). `order` is each
 * node's depth-first preorder number (-1 when unreachable), `reachable` the nodes in that order.
 */
function dominators (n: number, firstEdge: Int32Array, target: (edge: number) => number, strong: (edge: number) => boolean): { idom: Int32Array, order: Int32Array, reachable: Int32Array } {
  const order = new Int32Array(n).fill(-1)
  const vertex = new Int32Array(n)
  const parent = new Int32Array(n)
  const cursor = Int32Array.from(firstEdge.subarray(0, n))
  let count = 0
  const stack: number[] = [0]
  order[0] = count
  vertex[count++] = 0
  while (stack.length > 0) {
    const v = stack[stack.length - 1]
    if (cursor[v] >= firstEdge[v + 1]) {
      stack.pop()
      continue
    }
    const edge = cursor[v]++
    if (!strong(edge)) { continue }
    const w = target(edge)
    if (order[w] === -1) {
      order[w] = count
      vertex[count] = w
      parent[count++] = order[v]
      stack.push(w)
    }
  }
  // predecessors in preorder numbers, as compressed rows
  const predStart = new Int32Array(count + 1)
  for (let d = 0; d < count; d++) {
    const v = vertex[d]
    for (let edge = firstEdge[v]; edge < firstEdge[v + 1]; edge++) {
      if (strong(edge) && order[target(edge)] >= 0) { predStart[order[target(edge)] + 1]++ }
    }
  }
  for (let d = 0; d < count; d++) { predStart[d + 1] += predStart[d] }
  const preds = new Int32Array(predStart[count])
  const fill = predStart.slice(0, count)
  for (let d = 0; d < count; d++) {
    const v = vertex[d]
    for (let edge = firstEdge[v]; edge < firstEdge[v + 1]; edge++) {
      const w = target(edge)
      if (strong(edge) && order[w] >= 0) { preds[fill[order[w]]++] = d }
    }
  }
  const semi = new Int32Array(count)
  const label = new Int32Array(count)
  const ancestor = new Int32Array(count).fill(-1)
  const dom = new Int32Array(count)
  const bucketHead = new Int32Array(count).fill(-1)
  const bucketNext = new Int32Array(count).fill(-1)
  for (let d = 0; d < count; d++) { semi[d] = d; label[d] = d }
  const path: number[] = []
  const evaluate = (v: number): number => {
    if (ancestor[v] === -1) { return v }
    // compress the path from v to the root of its tree in the forest
    let x = v
    while (ancestor[ancestor[x]] !== -1) {
      path.push(x)
      x = ancestor[x]
    }
    while (path.length > 0) {
      const y = path.pop() as number
      const a = ancestor[y]
      if (semi[label[a]] < semi[label[y]]) { label[y] = label[a] }
      ancestor[y] = ancestor[a]
    }
    return label[v]
  }
  for (let w = count - 1; w > 0; w--) {
    for (let p = predStart[w]; p < predStart[w + 1]; p++) {
      const u = evaluate(preds[p])
      if (semi[u] < semi[w]) { semi[w] = semi[u] }
    }
    bucketNext[w] = bucketHead[semi[w]]
    bucketHead[semi[w]] = w
    const pw = parent[w]
    ancestor[w] = pw
    for (let v = bucketHead[pw]; v !== -1; v = bucketNext[v]) {
      const u = evaluate(v)
      dom[v] = semi[u] < semi[v] ? u : pw
    }
    bucketHead[pw] = -1
  }
  for (let w = 1; w < count; w++) {
    if (dom[w] !== semi[w]) { dom[w] = dom[dom[w]] }
  }
  const idom = new Int32Array(n).fill(-1)
  idom[0] = 0
  for (let w = 1; w < count; w++) { idom[vertex[w]] = vertex[dom[w]] }
  return { idom, order, reachable: vertex.slice(0, count) }
}

/** Read a snapshot and summarise it by class, with retained sizes */
export function summarizeHeap (path: string, owners: string[] = CONNECTION_OWNERS): HeapSummary {
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

  const { idom, order, reachable } = dominators(n, firstEdge, target, strong)
  // retained sizes: each node's into its immediate dominator's, deepest first (reverse preorder)
  const retained = Float64Array.from(size)
  for (let k = reachable.length - 1; k > 0; k--) {
    const v = reachable[k]
    retained[idom[v]] += retained[v]
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
  return { totalSize, nodes: n, classes, owned: ownedBy(owners, names, cls, size, idom, order) }
}

/** {@link HeapSummary.owned}: each reachable node's self size, charged to its nearest owner among its dominators */
function ownedBy (owners: string[], names: string[], cls: Int32Array, size: Float64Array, idom: Int32Array, order: Int32Array): Map<string, number> {
  const ownerOf = new Map(owners.map(o => [names.indexOf(o), o]))
  ownerOf.delete(-1)
  const owned = new Map<string, number>()
  const add = (key: string, bytes: number): void => { owned.set(key, (owned.get(key) ?? 0) + bytes) }
  for (let v = 0; v < cls.length; v++) {
    if (order[v] < 0) { continue }
    let owner = ownerOf.get(cls[v])
    // bounded like the nesting check above: a node deep in a long chain may go without its owner
    for (let d = idom[v], steps = 0; owner == null && d > 0 && steps < 200; d = idom[d], steps++) {
      owner = ownerOf.get(cls[d])
    }
    if (owner != null) {
      add(owner, size[v])
    } else {
      add('(no owner)', size[v])
      add(`(no owner) ${names[cls[v]]}`, size[v])
    }
  }
  return owned
}

/** Growth of each owner's share from `baseline` to `loaded`, in bytes per connection, largest first */
export function ownedGrowthPerConnection (loaded: HeapSummary, baseline: HeapSummary, connections: number): Array<{ owner: string, bytes: number }> {
  return [...loaded.owned].map(([owner, bytes]) => ({ owner, bytes: (bytes - (baseline.owned.get(owner) ?? 0)) / connections }))
    .sort((a, b) => b.bytes - a.bytes)
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
    for (const o of ownedGrowthPerConnection(loaded, baseline, n).filter(o => !o.owner.startsWith('(no owner) ') || o.bytes >= 100).slice(0, 40)) {
      print(`${o.bytes.toFixed(0).padStart(7)} B owned by ${o.owner}`)
    }
    print(`heap ${(baseline.totalSize / 1048576).toFixed(1)} → ${(loaded.totalSize / 1048576).toFixed(1)} MiB: ${((loaded.totalSize - baseline.totalSize) / n / 1024).toFixed(2)} KiB per connection`)
    for (const c of growthPerConnection(loaded, baseline, n).slice(0, 50)) {
      print(`${c.perConnection.selfBytes.toFixed(0).padStart(7)} B self ${c.perConnection.retainedBytes.toFixed(0).padStart(8)} B retained ${c.perConnection.count.toFixed(2).padStart(7)} objects  ${c.name}`)
    }
  }
}
