/**
 * Codec throughput: `pnpm bench` in this package (runs the compiled `dist/benchmarks/codec.js`).
 *
 * Each case runs for a fixed time after a warm-up and reports operations per second on one core
 * (JavaScript runs the codec on one thread). Budget: at least 500,000 REGISTER decodes per second,
 * and decode cost linear in message size.
 */
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { rendezvous, wakuV0 } from '../src/index.ts'
import { GOLDEN_ENVELOPE_HEX } from '../src/testing.ts'
import type { Dialect, RendezvousMessage } from '../src/index.ts'

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 1000)
const envelope = uint8ArrayFromString(GOLDEN_ENVELOPE_HEX, 'base16')

function measure (fn: () => void): number {
  const warmUntil = performance.now() + DURATION_MS / 4
  while (performance.now() < warmUntil) {
    for (let i = 0; i < 100; i++) { fn() }
  }
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < DURATION_MS) {
    for (let i = 0; i < 100; i++) { fn() }
    ops += 100
    now = performance.now()
  }
  return ops / ((now - start) / 1000)
}

function discoverResponse (n: number): RendezvousMessage {
  return {
    type: 'DISCOVER_RESPONSE',
    status: 0,
    statusText: '',
    registrations: Array.from({ length: n }, () => ({ ns: 'my-app/topic', signedPeerRecord: envelope, ttl: 7000 }))
  }
}

const rows: string[][] = []
let sink = 0

function row (name: string, dialect: Dialect, message: RendezvousMessage): { decodesPerSecond: number, bytes: number } {
  const bytes = dialect.encode(message)
  const encodes = measure(() => { sink += dialect.encode(message).byteLength })
  const decodes = measure(() => { sink += dialect.decode(bytes).type.length })
  rows.push([name, dialect.name, String(bytes.byteLength), Math.round(encodes).toLocaleString('en-US'), Math.round(decodes).toLocaleString('en-US'), (1e9 / decodes / bytes.byteLength).toFixed(2)])
  return { decodesPerSecond: decodes, bytes: bytes.byteLength }
}

const registerDecodes: number[] = []
for (const dialect of [wakuV0, rendezvous]) {
  registerDecodes.push(row('REGISTER (178-byte envelope)', dialect, { type: 'REGISTER', ns: 'my-app/topic', signedPeerRecord: envelope, ttl: dialect.ttl.default }).decodesPerSecond)
  for (const n of [10, 100, 1000]) {
    row(`DISCOVER_RESPONSE, ${n} registrations`, dialect, discoverResponse(n))
  }
}

process.stdout.write(`Node ${process.version}, ${DURATION_MS} ms per case\n\n`)
process.stdout.write('| message | dialect | bytes | encodes/s | decodes/s | decode ns/byte |\n|---|---|---:|---:|---:|---:|\n')
for (const r of rows) {
  process.stdout.write(`| ${r.join(' | ')} |\n`)
}
const worst = Math.min(...registerDecodes)
process.stdout.write(`\nREGISTER decodes/s budget 500,000: ${worst >= 500_000 ? 'met' : 'MISSED'} (slowest dialect ${Math.round(worst).toLocaleString('en-US')})\n`)
if (sink === 0) {
  process.stdout.write('\n')
}
