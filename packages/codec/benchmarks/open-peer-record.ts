/**
 * CPU per fresh envelope: `pnpm bench` in this package (runs the compiled `dist/benchmarks/open-peer-record.js`).
 *
 * A rendezvous point verifies each envelope it has not seen before (a storm of new peers is all fresh
 * envelopes). This benchmark seals `BENCH_ENVELOPES` (default 2,000) records, each with its own Ed25519 key
 * and address, then opens all of them with each contender in turn, round after round (A/B alternating in
 * one process, so that a busy machine slows every contender alike), and prints the process CPU time
 * (`process.cpuUsage()`, user + system) per envelope: the median of the rounds and each round. Nothing
 * is cached between opens. The contenders are the generic path (`@libp2p/peer-record`'s classes, which
 * `openPeerRecord` took for every envelope before the fast path), `openPeerRecord` and `verifyPeerRecord` on
 * the `standard` format, `verifyPeerRecord` on `waku` and `rust-legacy` envelopes of the same keys, both paths on
 * `waku` envelopes of `BENCH_SECP256K1_ENVELOPES` (default 500) secp256k1 keys (Waku's), and the parts of a
 * verification ("key import"): libsodium's Ed25519 check (`verifyPeerRecord`'s where `sodium-native` loads), Node's
 * with a key imported beforehand (the floor of any OpenSSL verifier here), and the same check importing the key per call as `raw-public` (with and without stack traces
 * for the errors `createPublicKey` throws and catches inside), as DER SPKI (into a `KeyObject`, or handed to
 * `verify` as is) and as JWK (what `@libp2p/crypto` does).
 */
import { Buffer } from 'node:buffer'
import { createPublicKey, verify } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { encode as encodeVarint } from 'uint8-varint'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { openPeerRecord, sealPeerRecord, verifyPeerRecord } from '../src/index.ts'
import { libsodium } from '../src/libsodium.ts'
import { openPeerRecordByObjects } from '../src/peer-record.ts'
import { withoutStackTraces } from '../src/without-stack-traces.ts'
import type { KeyObject } from 'node:crypto'

const ENVELOPES = Number(process.env.BENCH_ENVELOPES ?? 2000)
/** secp256k1 envelopes (Waku's keys) cost more on the generic path: fewer of them */
const SECP256K1_ENVELOPES = Number(process.env.BENCH_SECP256K1_ENVELOPES ?? 500)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)

const standard: Uint8Array[] = []
const waku: Uint8Array[] = []
const rust: Uint8Array[] = []
for (let i = 0; i < ENVELOPES; i++) {
  const key = await generateKeyPair('Ed25519')
  const addresses = [multiaddr(`/ip4/127.0.0.1/tcp/${10_000 + i}`)]
  standard.push(await sealPeerRecord(key, addresses))
  waku.push(await sealPeerRecord(key, addresses, { format: 'waku' }))
  rust.push(await sealPeerRecord(key, addresses, { format: 'rust-legacy' }))
}

const secp256k1: Uint8Array[] = []
for (let i = 0; i < SECP256K1_ENVELOPES; i++) {
  const key = await generateKeyPair('secp256k1')
  secp256k1.push(await sealPeerRecord(key, [multiaddr(`/ip4/127.0.0.1/tcp/${10_000 + i}`)], { format: 'waku' }))
}

// the signed bytes and the raw key of each standard envelope, for the parts of a verification
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])
const DOMAIN = new TextEncoder().encode('libp2p-peer-record')
const parts = standard.map(bytes => {
  const envelope = RecordEnvelope.createFromProtobuf(bytes)
  const raw = Buffer.from(envelope.publicKey.raw)
  const data = Uint8Array.from([DOMAIN.byteLength, ...DOMAIN, envelope.payloadType.byteLength, ...envelope.payloadType, ...varint(envelope.payload.byteLength), ...envelope.payload])
  const der = Buffer.from([...SPKI_PREFIX, ...raw])
  const imported: KeyObject = createPublicKey({ key: der, format: 'der', type: 'spki' })
  return { raw, der, data, signature: envelope.signature, imported }
})

/** A protobuf varint's bytes */
function varint (n: number): number[] {
  return [...encodeVarint(n)]
}

/** `verify` takes a `raw-public` key too, but Node's types do not say so (@types/node 24.19) */
function rawPublic (key: Buffer): KeyObject {
  return { key, format: 'raw-public', asymmetricKeyType: 'ed25519' } as unknown as KeyObject
}

function check (valid: boolean): void {
  if (!valid) {
    throw new Error('a signature did not verify')
  }
}

const contenders: Array<[string, (i: number) => unknown, number?]> = [
  ['generic path: @libp2p/peer-record classes (openPeerRecord before)', async i => openPeerRecordByObjects(standard[i])],
  ['openPeerRecord (standard)', async i => openPeerRecord(standard[i])],
  ['verifyPeerRecord (standard)', async i => verifyPeerRecord(standard[i])],
  ['verifyPeerRecord (waku)', async i => verifyPeerRecord(waku[i])],
  ['verifyPeerRecord (rust-legacy)', async i => verifyPeerRecord(rust[i])],
  ['secp256k1 key (waku): generic path', async i => openPeerRecordByObjects(secp256k1[i]), SECP256K1_ENVELOPES],
  ['secp256k1 key (waku): verifyPeerRecord', async i => verifyPeerRecord(secp256k1[i]), SECP256K1_ENVELOPES],
  ['Ed25519 check, libsodium (verifyPeerRecord where it loads)', i => { check(libsodium?.crypto_sign_verify_detached(parts[i].signature, parts[i].data, parts[i].raw) === true) }],
  ['Ed25519 check, key imported before', i => { check(verify(null, parts[i].data, parts[i].imported, parts[i].signature)) }],
  ['Ed25519 check + raw-public import, no stacks', i => { check(verify(null, parts[i].data, withoutStackTraces(() => createPublicKey({ key: parts[i].raw, format: 'raw-public', asymmetricKeyType: 'ed25519' })), parts[i].signature)) }],
  ['Ed25519 check, raw-public passed to verify, no stacks (verifyPeerRecord)', i => { check(withoutStackTraces(() => verify(null, parts[i].data, rawPublic(parts[i].raw), parts[i].signature))) }],
  ['Ed25519 check + raw-public import', i => { check(verify(null, parts[i].data, createPublicKey({ key: parts[i].raw, format: 'raw-public', asymmetricKeyType: 'ed25519' }), parts[i].signature)) }],
  ['Ed25519 check + DER import', i => { check(verify(null, parts[i].data, createPublicKey({ key: parts[i].der, format: 'der', type: 'spki' }), parts[i].signature)) }],
  ['Ed25519 check, DER passed to verify', i => { check(verify(null, parts[i].data, { key: parts[i].der, format: 'der', type: 'spki' }, parts[i].signature)) }],
  ['Ed25519 check + JWK import', i => { check(verify(null, parts[i].data, createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: uint8ArrayToString(parts[i].raw, 'base64url') } }), parts[i].signature)) }]
]

const perRound = new Map<string, number[]>(contenders.map(([name]) => [name, []]))
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, open, count = ENVELOPES] of contenders) {
    const start = process.cpuUsage()
    for (let i = 0; i < count; i++) {
      await open(i)
    }
    const used = process.cpuUsage(start)
    perRound.get(name)?.push((used.user + used.system) / count)
  }
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

process.stdout.write(`Node ${process.version}, ${ENVELOPES} fresh Ed25519 envelopes (${SECP256K1_ENVELOPES} of secp256k1 keys), ${ROUNDS} rounds, CPU µs per envelope\n\n`)
process.stdout.write('| contender | median | rounds |\n|---|---:|---|\n')
for (const [name, values] of perRound) {
  process.stdout.write(`| ${name} | ${median(values).toFixed(1)} | ${values.map(v => v.toFixed(1)).join(', ')} |\n`)
}
const generic = median(perRound.get('generic path: @libp2p/peer-record classes (openPeerRecord before)') ?? [])
for (const name of ['openPeerRecord (standard)', 'verifyPeerRecord (standard)']) {
  const fast = median(perRound.get(name) ?? [])
  process.stdout.write(`\n${name} / generic path: ${(fast / generic).toFixed(2)}, ${(generic - fast).toFixed(1)} µs less per fresh envelope`)
}
const secpGeneric = median(perRound.get('secp256k1 key (waku): generic path') ?? [])
const secpFast = median(perRound.get('secp256k1 key (waku): verifyPeerRecord') ?? [])
process.stdout.write(`\nsecp256k1 (waku): verifyPeerRecord / generic path: ${(secpFast / secpGeneric).toFixed(2)}, ${(secpGeneric - secpFast).toFixed(1)} µs less per fresh envelope\n`)
