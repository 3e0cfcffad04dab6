/**
 * The raw signature verification rate of `@libp2p/peer-record` on the envelopes the storm registers, on
 * this (one) thread: what a REGISTER per server CPU-second is held against.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { decodeFrames } from '@rendezvous/codec'
import { JsonLinesProcess } from '../src/json-lines-process.ts'
import { GEN } from './binaries.ts'
import { ROOT, SEED } from './config.ts'
import { progress } from './output.ts'

export interface VerifyRate {
  envelopes: number
  verifications: number
  seconds: number
  cpuSeconds: number
  perSecond: number
  perCpuSecond: number
}

/** Verify the envelopes of `file` (uvarint-length-prefixed, as `rdv-bench envelopes` writes them) round and round for `budgetMs` */
export async function verificationRate (file: string, budgetMs: number): Promise<VerifyRate> {
  const envelopes: Uint8Array[] = []
  for await (const envelope of decodeFrames([await readFile(file)], { maxFrameBytes: 64 * 1024 })) {
    envelopes.push(envelope)
  }
  const verify = async (e: Uint8Array): Promise<void> => {
    await RecordEnvelope.openAndCertify(e, PeerRecord.DOMAIN)
  }
  for (let i = 0; i < Math.min(500, envelopes.length); i++) {
    await verify(envelopes[i])
  }
  const maxCount = 1_000_000
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let count = 0
  while (count < maxCount && performance.now() - t0 < budgetMs) {
    await verify(envelopes[count % envelopes.length])
    count++
  }
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  return { envelopes: envelopes.length, verifications: count, seconds, cpuSeconds, perSecond: count / seconds, perCpuSecond: count / cpuSeconds }
}

/** Have the generator write the storm's envelopes into `outDir`, then measure their verification rate */
export async function measureVerificationRate (outDir: string, budgetMs: number): Promise<VerifyRate> {
  const file = join(outDir, 'envelopes.bin')
  const args = ['envelopes', '--seed', SEED, '--n', '1000', '--out', file]
  const gen = JsonLinesProcess.start(GEN, args, { cwd: ROOT, lifetime: 120_000, onStderr: progress, onEvent: event => { progress(JSON.stringify(event)) } })
  const exit = await gen.exited
  if (exit.code !== 0) {
    throw new Error(`${GEN} ${args.join(' ')} exited with ${exit.code ?? exit.signal}`)
  }
  return verificationRate(file, budgetMs)
}
