/**
 * `pnpm bench:cpu`: the harness's workload (refreshes, discover(100) in a namespace and across all,
 * sample(20)) measured in operations per CPU-second of this process (all its threads) as well as per
 * wall-clock second. On a machine shared with other work, wall-clock rates measure the share of a core
 * the process got; CPU-time rates estimate what one dedicated core does. Sizes from `BENCH_SIZES`
 * (default 100k,1M).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { measureRate, parseSizes } from '@rendezvous/store/bench'
import { DEFAULT_START, ManualClock, peerId } from '@rendezvous/store/compliance'
import { sqliteStore } from '../src/index.ts'
import type { NewRegistration, RegistrationStore } from '@rendezvous/store'

const NAME = '@rendezvous/store-sqlite'
const open = async (directory: string, clock: ManualClock): Promise<RegistrationStore> => sqliteStore({ clock: clock.clock, path: join(directory, 'registrations.sqlite') })

const NAMESPACES = 100
const sizes = parseSizes(process.env.BENCH_SIZES ?? '100k,1M')
const envelope = new Uint8Array(170).map((_, i) => (i * 151 + 17) & 0xff)
const registration = (i: number): NewRegistration => ({
  namespace: `bench-namespace-${i % NAMESPACES}`,
  peerId: peerId(i >> 1),
  signedPeerRecord: envelope,
  ttl: 7200,
  registeredAt: DEFAULT_START,
  expiresAt: DEFAULT_START + 7_200_000
})

async function rate (operation: (i: number) => Promise<unknown>): Promise<string> {
  const before = process.cpuUsage()
  const measured = await measureRate(operation, { durationMs: 3000, rounds: 3 })
  const used = process.cpuUsage(before)
  const cpuSeconds = (used.user + used.system) / 1e6
  return `${Math.round(measured.operations / cpuSeconds).toLocaleString('en-US')} (${Math.round(measured.perSecond).toLocaleString('en-US')})`
}

const lines = [
  `### ${NAME}: per CPU-second (per wall-clock second)`,
  '',
  '| registrations | upserts | discover(100) | discover all(100) | sample(20) |',
  '| ---: | ---: | ---: | ---: | ---: |'
]

for (const size of sizes) {
  const directory = await mkdtemp(join(tmpdir(), 'rendezvous-store-cpu-bench-'))
  const store = await open(directory, new ManualClock(DEFAULT_START))

  try {
    for (let i = 0; i < size; i += 64) {
      await Promise.all(Array.from({ length: Math.min(64, size - i) }, async (_, j) => store.upsert(registration(i + j))))
    }

    let last = size
    const upserts = await rate(async () => { last = (await store.upsert(registration(Math.floor(Math.random() * size)))).position })
    const discover = await rate(async () => store.discover({ namespace: `bench-namespace-${Math.floor(Math.random() * NAMESPACES)}`, limit: 100 }))
    const discoverAll = await rate(async () => store.discover({ after: Math.floor(Math.random() * last * 0.9), limit: 100 }))
    const sample = await rate(async () => store.sample(`bench-namespace-${Math.floor(Math.random() * NAMESPACES)}`, 20))
    lines.push(`| ${size.toLocaleString('en-US')} | ${upserts} | ${discover} | ${discoverAll} | ${sample} |`)
    console.error(lines[lines.length - 1]) // eslint-disable-line no-console
  } finally {
    await store.close()
    await rm(directory, { recursive: true, force: true })
  }
}

lines.push('', `Load average ${loadavg()[0].toFixed(1)} at the end.`)
console.log(lines.join('\n')) // eslint-disable-line no-console
