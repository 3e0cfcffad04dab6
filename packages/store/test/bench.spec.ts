import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { formatBenchmarkTable, measureRate, parseSizes, runStoreBenchmark } from '../src/bench.ts'
import { ReferenceStore } from './fixtures/reference-store.ts'

describe('benchmark harness', function () {
  this.timeout(60_000)

  it('reads sizes like 10000,100k,1M', () => {
    expect(parseSizes('10000,100k, 1M,2.5k')).to.deep.equal([10_000, 100_000, 1_000_000, 2_500])
    expect(() => parseSizes('ten')).to.throw(/BENCH_SIZES/)
  })

  it('measures a rate in bounded time', async () => {
    const start = Date.now()
    const rate = await measureRate(async () => {}, { durationMs: 100, rounds: 4 })
    expect(Date.now() - start).to.be.lessThan(1000)
    expect(rate.rounds).to.have.length(4)
    expect(rate.perSecond).to.be.greaterThan(0)
    expect(rate.perCpuSecond).to.be.greaterThan(0)
    expect(rate.cpuSeconds).to.be.greaterThan(0)
  })

  it('keeps `concurrency` operations in flight, numbering each operation once across rounds', async () => {
    let inFlight = 0
    let most = 0
    const seen: number[] = []
    const rate = await measureRate(async (i) => {
      seen.push(i)
      most = Math.max(most, ++inFlight)
      // an operation that waits for I/O, as a networked store's does, so that the others start meanwhile
      await new Promise<void>(resolve => { setImmediate(resolve) })
      inFlight--
    }, { durationMs: 200, rounds: 2, concurrency: 16, maxOperations: 5_000 })
    expect(most).to.equal(16)
    expect(rate.operations).to.equal(seen.length)
    expect(new Set(seen).size).to.equal(seen.length)
    expect(Math.max(...seen)).to.equal(seen.length - 1)
  })

  it('runs every measurement against a store and prints a Markdown table', async () => {
    let table = ''
    const rows = await runStoreBenchmark({
      name: 'reference',
      create: ({ clock }) => new ReferenceStore({ clock }),
      footprint: 'heap',
      sizes: [1_000, 2_000],
      durationMs: 25,
      warmup: false,
      output: (text) => { table = text },
      log: () => {}
    })

    expect(rows.map(row => row.size)).to.deep.equal([1_000, 2_000])

    for (const row of rows) {
      expect(row.expired).to.equal(row.size / 10)
      expect(row.discoverReturned).to.equal(Math.min(100, row.size / 100))

      for (const value of [row.upsertsPerSecond, row.upsertsPerCpuSecond, row.fillPerSecond, row.discoverPerSecond, row.discoverPerCpuSecond, row.discoverAllPerSecond, row.discoverAllPerCpuSecond, row.samplePerSecond, row.samplePerCpuSecond, row.expireMs]) {
        expect(value).to.be.greaterThan(0)
      }
    }

    expect(table).to.include('| registrations | upserts/s |')
    expect(table).to.include('| 1k |')
    expect(table).to.include('median of 5 rounds over 25 ms')
    expect(formatBenchmarkTable('reference', rows).split('\n').slice(4)).to.deep.equal(table.split('\n').slice(4))
  })

  it('runs the adapter\'s settle step once per size, after the fill and before anything is measured', async () => {
    const settled: Array<{ size: number, upserts: number }> = []
    let upserts = 0
    let table = ''
    const run = async (): Promise<Array<{ settleMs: number }>> => runStoreBenchmark({
      name: 'reference, settled',
      create: ({ clock }) => {
        upserts = 0
        const store = new ReferenceStore({ clock })
        const upsert = store.upsert.bind(store)
        store.upsert = async (...args) => { upserts++; return upsert(...args) }
        return store
      },
      footprint: 'heap',
      settle: async ({ store }) => {
        settled.push({ size: await store.count(), upserts })
      },
      sizes: [1_000, 2_000],
      durationMs: 10,
      warmup: false,
      output: (text) => { table = text },
      log: () => {}
    })

    const rows = await run()
    // each store had been filled and nothing else upserted when it settled; the measurements came after
    expect(settled).to.deep.equal([{ size: 1_000, upserts: 1_000 }, { size: 2_000, upserts: 2_000 }])
    expect(upserts).to.be.greaterThan(2_000)
    expect(rows.every(row => row.settleMs >= 0)).to.equal(true)
    expect(table).to.include('measured after the adapter\'s settle step')

    // BENCH_SETTLE=0 measures right after the fill
    const before = process.env.BENCH_SETTLE
    process.env.BENCH_SETTLE = '0'

    try {
      settled.length = 0
      const unsettled = await run()
      expect(settled).to.deep.equal([])
      expect(unsettled.map(row => row.settleMs)).to.deep.equal([0, 0])
      expect(table).to.not.include('settle step')
    } finally {
      if (before === undefined) {
        delete process.env.BENCH_SETTLE
      } else {
        process.env.BENCH_SETTLE = before
      }
    }
  })

  it('runs each rate\'s operation unmeasured first, for as long as it measures unless told otherwise', async () => {
    const tables: string[] = []
    const run = async (rateWarmupMs?: number): Promise<Array<{ discoverReturned: number }>> => runStoreBenchmark({
      name: 'reference, warmed',
      create: ({ clock }) => new ReferenceStore({ clock }),
      footprint: 'heap',
      sizes: [1_000],
      durationMs: 10,
      ...(rateWarmupMs === undefined ? {} : { rateWarmupMs }),
      warmup: false,
      output: (text) => { tables.push(text) },
      log: () => {}
    })

    // the discovers of the warm-up are not counted in what the measured ones returned
    expect((await run()).map(row => row.discoverReturned)).to.deep.equal([10])
    expect(tables[0]).to.include('over 10 ms after 10 ms of the same operation unmeasured')
    await run(30)
    expect(tables[1]).to.include('over 10 ms after 30 ms of the same operation unmeasured')
    await run(0)
    expect(tables[2]).to.not.include('unmeasured')
    await expect(run(-1)).to.eventually.be.rejectedWith(/BENCH_WARMUP_MS/)
  })

  it('measures the disk footprint as the size of the store\'s directory', async () => {
    const rows = await runStoreBenchmark({
      name: 'reference, on disk',
      create: async ({ clock, directory }) => {
        await writeFile(join(directory, 'data'), new Uint8Array(50_000))
        return new ReferenceStore({ clock })
      },
      footprint: 'disk',
      sizes: [500],
      durationMs: 10,
      warmup: false,
      output: () => {},
      log: () => {}
    })

    expect(rows[0].bytesPerRegistration).to.equal(100)
  })
})
