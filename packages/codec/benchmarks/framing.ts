/**
 * Framing, A/B: `pnpm bench` in this package, or `node dist/benchmarks/framing.js` after `pnpm build`.
 *
 * A: it-length-prefixed, its encoder for every frame written and its decoder for every frame read
 * (`lp-frame-decoder.ts` here for `FrameDecoder` and `decodeFrame`, which must make a decoder for each frame).
 * B: the codec's own loop, `FrameDecoder` and `decodeFrame` as `src/framing.ts` ships them (the length reader and
 * checks it gives it-length-prefixed, without its generator), and for the two functions that ship on
 * it-length-prefixed, the plain alternatives: a prefix written into one allocation, and `decodeFrames` over a
 * `FrameDecoder`. The column "ships" says which side `src/framing.ts` uses for each case.
 *
 * The stream path is what a point and a client do with each chunk a libp2p stream delivers: `push` it into a
 * `FrameDecoder`, then `next()` until it returns `undefined`; and `encodeFrame` for each message sent.
 * Each case runs A then B, then B then A, for `BENCH_ROUNDS` rounds of `BENCH_DURATION_MS` each, so that a
 * machine that speeds up or slows down during the run weighs on both alike; the ratio A/B is taken round by
 * round, and its median is reported with its range.
 */
import { encodeUint8Array, encodingLength } from 'uint8-varint'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_RESPONSE_BYTES, FrameDecoder, decodeFrame, decodeFrames, encodeFrame, rendezvous } from '../src/index.ts'
import { GOLDEN_ENVELOPE_HEX } from '../src/testing.ts'
import * as lp from './lp-frame-decoder.ts'
import type { FrameOptions, RendezvousMessage } from '../src/index.ts'
import type { Uint8ArrayList } from 'uint8arraylist'

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 300)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10)
/** Chunks of a large answer: what one noise message carries at most */
const CHUNK_BYTES = 65_519

interface Decoder { push(chunk: Uint8Array): void, next(): Uint8Array | undefined }
interface Side {
  decoder(maxFrameBytes: number): Decoder
  encodeFrame(message: Uint8Array): Uint8Array
  decodeFrame(bytes: Uint8Array, options: FrameOptions): { message: Uint8Array, bytesRead: number }
  decodeFrames(source: AsyncIterable<Uint8Array | Uint8ArrayList>, options: FrameOptions): AsyncGenerator<Uint8Array, void, undefined>
}

/** B's encoder: the prefix and the message written into one allocation */
function ownEncodeFrame (message: Uint8Array): Uint8Array {
  const prefixBytes = encodingLength(message.byteLength)
  const frame = new Uint8Array(prefixBytes + message.byteLength)
  encodeUint8Array(message.byteLength, frame, 0)
  frame.set(message, prefixBytes)
  return frame
}

/** B's stream reader: a `FrameDecoder` fed by the stream */
async function * ownDecodeFrames (source: AsyncIterable<Uint8Array | Uint8ArrayList>, options: FrameOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new FrameDecoder(options)
  for await (const chunk of source) {
    decoder.push(chunk)
    for (let frame = decoder.next(); frame != null; frame = decoder.next()) {
      yield frame
    }
  }
  decoder.end()
}

const A: Side = { decoder: maxFrameBytes => new lp.FrameDecoder({ maxFrameBytes }), encodeFrame, decodeFrame: lp.decodeFrame, decodeFrames }
const B: Side = { decoder: maxFrameBytes => new FrameDecoder({ maxFrameBytes }), encodeFrame: ownEncodeFrame, decodeFrame, decodeFrames: ownDecodeFrames }

const envelope = uint8ArrayFromString(GOLDEN_ENVELOPE_HEX, 'base16')
const register: RendezvousMessage = { type: 'REGISTER', ns: 'my-app/topic', signedPeerRecord: envelope, ttl: 7200 }
const registerBody = rendezvous.encode(register)
const registerFrame = encodeFrame(registerBody)
const response: RendezvousMessage = {
  type: 'DISCOVER_RESPONSE',
  status: 0,
  statusText: '',
  registrations: Array.from({ length: 1000 }, () => ({ ns: 'my-app/topic', signedPeerRecord: envelope, ttl: 7000 }))
}
const responseBody = rendezvous.encode(response)
const responseFrame = encodeFrame(responseBody)

function concat (parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}

function chunks (bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < bytes.byteLength; i += size) {
    out.push(bytes.subarray(i, i + size))
  }
  return out
}

const pipelined = concat(Array.from({ length: 16 }, () => registerFrame))
const registerHalves = chunks(registerFrame, Math.ceil(registerFrame.byteLength / 2))
const responseChunks = chunks(responseFrame, CHUNK_BYTES)

let sink = 0

/** Feed the chunks of one stream to a fresh decoder as a stream session does; returns the frames' bytes */
function readStream (side: Side, maxFrameBytes: number, input: Uint8Array[]): number {
  const decoder = side.decoder(maxFrameBytes)
  let bytes = 0
  for (const chunk of input) {
    decoder.push(chunk)
    for (let frame = decoder.next(); frame != null; frame = decoder.next()) {
      bytes += frame.byteLength
    }
  }
  return bytes
}

interface Case { name: string, ships: 'A' | 'B', run(side: Side): number | Promise<number>, bytesPerOp: number }

/** A stream's chunks as a libp2p stream yields them: asynchronously, one REGISTER frame each */
async function * sixteen (): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < 16; i++) {
    yield registerFrame
  }
}

const cases: Case[] = [
  { name: 'REGISTER frame, one per chunk (a point reading a request)', ships: 'B', bytesPerOp: registerFrame.byteLength, run: side => readStream(side, DEFAULT_MAX_REQUEST_BYTES, [registerFrame]) },
  { name: 'REGISTER frame split over 2 chunks', ships: 'B', bytesPerOp: registerFrame.byteLength, run: side => readStream(side, DEFAULT_MAX_REQUEST_BYTES, registerHalves) },
  { name: '16 pipelined REGISTER frames in one chunk', ships: 'B', bytesPerOp: pipelined.byteLength, run: side => readStream(side, DEFAULT_MAX_REQUEST_BYTES, [pipelined]) },
  { name: `DISCOVER_RESPONSE of 1000 registrations in ${responseChunks.length} chunks (a client reading an answer)`, ships: 'B', bytesPerOp: responseFrame.byteLength, run: side => readStream(side, DEFAULT_MAX_RESPONSE_BYTES, responseChunks) },
  {
    name: 'REGISTER read and decoded (framing + rendezvous.decode)',
    ships: 'B',
    bytesPerOp: registerFrame.byteLength,
    run: side => {
      const decoder = side.decoder(DEFAULT_MAX_REQUEST_BYTES)
      decoder.push(registerFrame)
      let n = 0
      for (let frame = decoder.next(); frame != null; frame = decoder.next()) {
        n += rendezvous.decode(frame).type.length
      }
      return n
    }
  },
  {
    name: 'decodeFrames over a stream of 16 REGISTER chunks',
    ships: 'A',
    bytesPerOp: registerFrame.byteLength * 16,
    run: async side => {
      let n = 0
      for await (const frame of side.decodeFrames(sixteen(), { maxFrameBytes: DEFAULT_MAX_REQUEST_BYTES })) {
        n += frame.byteLength
      }
      return n
    }
  },
  { name: 'decodeFrame of a REGISTER (one frame in one buffer)', ships: 'B', bytesPerOp: registerFrame.byteLength, run: side => side.decodeFrame(registerFrame, { maxFrameBytes: DEFAULT_MAX_REQUEST_BYTES }).message.byteLength },
  { name: 'encodeFrame of a REGISTER', ships: 'A', bytesPerOp: registerFrame.byteLength, run: side => side.encodeFrame(registerBody).byteLength },
  { name: 'encodeFrame of the 1000-registration DISCOVER_RESPONSE', ships: 'A', bytesPerOp: responseFrame.byteLength, run: side => side.encodeFrame(responseBody).byteLength }
]

/** Operations per second of a synchronous `fn` over `DURATION_MS`, after a warm-up of a quarter of that; bounded in time */
function measureSync (fn: () => number): number {
  const warmUntil = performance.now() + DURATION_MS / 4
  while (performance.now() < warmUntil) {
    sink += fn()
  }
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < DURATION_MS) {
    for (let i = 0; i < 10; i++) {
      sink += fn()
    }
    ops += 10
    now = performance.now()
  }
  return ops / ((now - start) / 1000)
}

/** The same for an asynchronous `fn` */
async function measureAsync (fn: () => Promise<number>): Promise<number> {
  const warmUntil = performance.now() + DURATION_MS / 4
  while (performance.now() < warmUntil) {
    sink += await fn()
  }
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < DURATION_MS) {
    for (let i = 0; i < 10; i++) {
      sink += await fn()
    }
    ops += 10
    now = performance.now()
  }
  return ops / ((now - start) / 1000)
}

async function measure (c: Case, side: Side): Promise<number> {
  const first = c.run(side)
  if (first instanceof Promise) {
    sink += await first
    return measureAsync(async () => c.run(side))
  }
  return measureSync(() => c.run(side) as number)
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

// both sides must read and write the same bytes, or the comparison means nothing
for (const c of cases) {
  const [a, b] = [await c.run(A), await c.run(B)]
  if (a !== b) {
    throw new Error(`${c.name}: A and B disagree (${a}, ${b})`)
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
process.stdout.write(`Node ${process.version}, ${ROUNDS} rounds of ${DURATION_MS} ms per side, A and B alternating\n\n`)
process.stdout.write('| case | bytes | A it-length-prefixed ops/s | B own loop ops/s | A/B median | A/B range | ships |\n|---|---:|---:|---:|---:|---|---|\n')
for (const c of cases) {
  const a: number[] = []
  const b: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      a.push(await measure(c, A))
      b.push(await measure(c, B))
    } else {
      b.push(await measure(c, B))
      a.push(await measure(c, A))
    }
  }
  const ratios = a.map((x, i) => x / b[i])
  process.stdout.write(`| ${c.name} | ${c.bytesPerOp} | ${fmt(median(a))} | ${fmt(median(b))} | ${median(ratios).toFixed(2)} | ${Math.min(...ratios).toFixed(2)} to ${Math.max(...ratios).toFixed(2)} | ${c.ships} |\n`)
}
if (sink === 0) {
  process.stdout.write('\n')
}
