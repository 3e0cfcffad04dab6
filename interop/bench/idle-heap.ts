/**
 * Where an idle connection's memory goes: one `ts-server.ts` (memory store) with N idle connections from the
 * load generator (its idle session: TCP, Noise, Yamux, nothing else), a V8 heap snapshot before the
 * connections and one with them open, and the growth by class per connection (`heap-summary.ts`), beside
 * the RSS growth per connection read just before each snapshot.
 *
 * `node interop/bench/idle-heap.ts [--connections 2000] [--read-after 15000] [--out <dir>] [-- <ts-server.ts flags>]`
 *
 * `--read-after`: milliseconds between the last connection and the readings, e.g. more than a ping interval
 * under test. The flags after `--` go to ts-server.ts, e.g. `-- --liveness-interval 30000` or
 * `-- --experiment-monitor-interval 60000`. Prints the table and writes `idle-heap.json` in `--out`
 * (default `results/heap`); the snapshots stay there. Run it under `flock /tmp/bench.lock` like any
 * benchmark. Loopback only; both children are killed when it ends.
 */
import { readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { JsonLinesProcess } from '../src/json-lines-process.ts'
import { GEN } from './binaries.ts'
import { HERE, ROOT, SEED } from './config.ts'
import { growthPerConnection, ownedGrowthPerConnection, summarizeHeap } from './heap-summary.ts'
import type { JsonEvent } from '../src/json-lines-process.ts'

/** The tables go to stdout */
function print (text: string): void {
  process.stdout.write(`${text}\n`)
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', default: '2000' },
    'read-after': { type: 'string', default: '15000' },
    out: { type: 'string', default: join(HERE, 'results', 'heap') }
  }
})
const N = Math.max(1, Math.min(10_000, Number(values.connections)))
const READ_AFTER = Math.max(0, Math.min(300_000, Number(values['read-after'])))
const OUT = resolve(String(values.out))
/** A snapshot of a few hundred MiB takes tens of seconds to write on a busy machine */
const SNAPSHOT_TIMEOUT = 240_000

/** VmRSS of a process, in KiB */
function rssKiB (pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match == null ? NaN : Number(match[1])
}

/** CPU seconds (user and system) a process has used, from /proc/<pid>/stat (in clock ticks of 1/100 s) */
function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
  // after the command's closing parenthesis, utime and stime are the 12th and 13th fields
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function snapshot (server: JsonLinesProcess, pid: number, k: number): Promise<JsonEvent & { rssKiB: number }> {
  const rss = rssKiB(pid)
  process.kill(pid, 'SIGUSR2')
  const event = await server.waitFor(e => e.event === 'heap-snapshot' && e.path.endsWith(`heap-${k}.heapsnapshot`), SNAPSHOT_TIMEOUT, `heap snapshot ${k}`)
  return { ...event, rssKiB: rss }
}

await rm(OUT, { recursive: true, force: true })
await mkdir(OUT, { recursive: true })
const server = JsonLinesProcess.start(process.execPath, [join(HERE, 'ts-server.ts'), '--store', 'memory', '--listen', '/ip4/127.0.0.1/tcp/0', '--heap-snapshot-dir', OUT, ...positionals], {
  cwd: ROOT,
  lifetime: 1_200_000,
  onStderr: line => { process.stderr.write(`server: ${line}\n`) }
})
let generator: JsonLinesProcess | undefined
try {
  const ready = await server.waitFor(e => e.event === 'ready', 30_000, 'the ready line')
  const pid = Number(ready.pid)
  // the process after its start, settled as the idle session lets it settle
  await sleep(3000)
  const before = await snapshot(server, pid, 1)
  // the server stops while it writes a snapshot, so the snapshot shows the connections as they were when it was asked for
  const settleMs = READ_AFTER + 15_000
  generator = JsonLinesProcess.start(GEN, ['session', '--spec', JSON.stringify({
    server: ready.multiaddrs[0],
    serverPid: pid,
    namespace: 'bench',
    seed: SEED,
    phaseSeconds: 1.5,
    maxSessionSeconds: 2 * settleMs / 1000 + 300,
    kind: 'idle',
    dialect: 'waku',
    n: N,
    connectStep: 1000,
    connectSeconds: 150,
    // the generator waits this long before connecting and again after: the readings happen in the second wait
    settleMs
  })], {
    cwd: ROOT,
    lifetime: (2 * settleMs / 1000 + 330) * 1000,
    onStderr: line => { process.stderr.write(`generator: ${line}\n`) },
    onEvent: e => { if (e.event === 'phase') { process.stderr.write(`${String(e.name)}: ${String(e.ops)} connections, ${String(e.errors)} errors, server CPU ${Number(e.serverCpuSec).toFixed(2)} s\n`) } }
  })
  const connected = await generator.waitFor(e => e.event === 'phase' && e.name === 'connect', settleMs + 200_000, 'the connect phase')
  const idleFrom = { cpu: cpuSeconds(pid), at: Date.now() }
  await sleep(READ_AFTER)
  // what the open connections cost while idle: the pings of whichever liveness check runs, and the collector
  const idleCpu = (cpuSeconds(pid) - idleFrom.cpu) / ((Date.now() - idleFrom.at) / 1000)
  const after = await snapshot(server, pid, 2)
  const connections = Number(after.connections)
  const base = summarizeHeap(before.path)
  const loaded = summarizeHeap(after.path)
  const rows = growthPerConnection(loaded, base, connections)
  const result = {
    connections,
    connectErrors: connected.errors,
    readAfterMs: READ_AFTER,
    serverFlags: positionals,
    idleCoresPer1000Connections: idleCpu / (Number(after.connections) / 1000),
    rssKiBPerConnection: (after.rssKiB - before.rssKiB) / connections,
    heapUsedKiBPerConnection: (after.before.heapUsed - before.before.heapUsed) / 1024 / connections,
    liveHeapKiBPerConnection: (loaded.totalSize - base.totalSize) / 1024 / connections,
    externalKiBPerConnection: (after.after.external - before.after.external) / 1024 / connections,
    // the first snapshot's own allocations (its serialisation) may stay in RSS and count as growth: its size
    firstSnapshotLeftKiB: (before.after.rss - before.before.rss) / 1024,
    memory: { before: { rssKiB: before.rssKiB, ...before.before }, after: { rssKiB: after.rssKiB, ...after.before }, afterGc: after.after },
    owners: ownedGrowthPerConnection(loaded, base, connections).filter(o => Math.abs(o.bytes) >= 20),
    classes: rows.slice(0, 80).map(r => ({ name: r.name, ...r.perConnection }))
  }
  await writeFile(join(OUT, 'idle-heap.json'), JSON.stringify(result, null, 2))
  print(`${connections} idle connections, read ${READ_AFTER} ms after the last one; server flags: ${positionals.join(' ') || '(none)'}`)
  print(`while idle: ${(result.idleCoresPer1000Connections * 1000).toFixed(1)} ms of server CPU per second per 1,000 connections`)
  print(`RSS ${result.rssKiBPerConnection.toFixed(1)} KiB, heap used ${result.heapUsedKiBPerConnection.toFixed(1)} KiB, live heap (after the snapshot's GC) ${result.liveHeapKiBPerConnection.toFixed(1)} KiB, external ${result.externalKiBPerConnection.toFixed(1)} KiB per connection`)
  for (const o of result.owners.filter(o => !o.owner.startsWith('(no owner) ') || o.bytes >= 100)) {
    print(`${o.bytes.toFixed(0).padStart(7)} B owned by ${o.owner}`)
  }
  for (const r of result.classes.slice(0, 45)) {
    print(`${r.selfBytes.toFixed(0).padStart(7)} B self ${r.retainedBytes.toFixed(0).padStart(8)} B retained ${r.count.toFixed(2).padStart(7)} objects  ${r.name}`)
  }
} finally {
  await generator?.stop(5000)
  await server.stop(20_000)
}
