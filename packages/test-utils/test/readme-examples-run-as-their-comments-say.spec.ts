import { expect } from 'aegir/chai'
import { ExampleFailedError, UnknownCodeBlockError, readmeExamples, runAsCommented, runExample } from '../src/index.ts'

const packageDir = new URL('../', import.meta.url)

describe('README examples run as their comments say', function () {
  this.timeout(30_000)

  it('finds the ts and js blocks, with the lines they are on and why a block does not run', async () => {
    const examples = await readmeExamples(new URL('./fixtures/README.md', import.meta.url))
    expect(examples.map(e => [e.line, e.language, e.notRun])).to.deep.equal([[3, 'ts', undefined], [9, 'ts', 'signature'], [13, 'js', undefined]])
    expect(examples[0].commented).to.deep.equal(['42 is the answer', '{ big: 18446744073709551616n }'])
  })

  it('runs an example in its own process and hands back what it printed, as values', async () => {
    const [example] = await readmeExamples(new URL('./fixtures/README.md', import.meta.url))
    const run = await runAsCommented(example, { packageDir })
    expect(run.printed[0].args).to.deep.equal([42, 'is the answer'])
    expect(run.printed[1].args).to.deep.equal([{ big: 2n ** 64n }])
  })

  it('refuses an example that prints something else than its comments say', async () => {
    const [example] = await readmeExamples(new URL('./fixtures/README.md', import.meta.url))
    const wrong = { ...example, commented: ['41 is the answer', '{ big: 0n }'] }
    await expect(runAsCommented(wrong, { packageDir })).to.eventually.be.rejected.with.property('name', 'AssertionError')
  })

  it('rejects with the exit code of an example that fails, and one that runs out of time', async () => {
    const examples = await readmeExamples(new URL('./fixtures/README.md', import.meta.url))
    await expect(runExample(examples[2], { packageDir })).to.eventually.be.rejectedWith(ExampleFailedError, /exited with 3/)
    const forever = { ...examples[2], source: 'setInterval(() => {}, 1000)' }
    await expect(runExample(forever, { packageDir, timeout: 500 })).to.eventually.be.rejectedWith(ExampleFailedError, /ran out of its 500 ms/)
  })

  it('refuses a block whose info string gives no known reason not to run', async () => {
    await expect(readmeExamples(new URL('./fixtures/bad-word.md', import.meta.url))).to.eventually.be.rejectedWith(UnknownCodeBlockError, /maybe/)
  })
})
