import { readmeExamples, runAsCommented, runExample } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'

// @rendezvous/store's README shows the memory store (the store package cannot depend on an adapter), so its
// examples run here, where both resolve as they would for a user
const examples = (await readmeExamples(new URL('../../store/README.md', import.meta.url))).filter(example => example.notRun == null)
const packageDir = new URL('../', import.meta.url)

describe('the examples of the store contract\'s README run', function () {
  this.timeout(60_000)

  it('the contract\'s examples print what their comments say', async () => {
    const commented = examples.filter(example => example.commented.length > 0)
    expect(commented).to.have.length(2)
    for (const example of commented) {
      await runAsCommented(example, { packageDir })
    }
  })

  it('the benchmark example measures the memory store and prints its table', async () => {
    const bench = examples.find(example => example.source.includes('runStoreBenchmark('))
    expect(bench, 'the README shows runStoreBenchmark').to.not.equal(undefined)
    // the example as written, at one small size for a short time (the sizes and duration it reads by default)
    const run = await runExample(bench as NonNullable<typeof bench>, { packageDir, env: { BENCH_SIZES: '1000', BENCH_DURATION_MS: '50' } })
    const table = run.printed.map(line => line.text).join('\n')
    expect(table).to.include('@rendezvous/store-memory')
    expect(table).to.match(/1k|1,000|1000/)
  })

  it('every example of the README either runs here or says why not', () => {
    expect(examples).to.have.length(3)
  })
})
