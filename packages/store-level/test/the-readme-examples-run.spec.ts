import { readmeExamples, runAsCommented } from '@rendezvous/test-utils'

const examples = (await readmeExamples(new URL('../README.md', import.meta.url))).filter(example => example.notRun == null)

describe('the README examples run', function () {
  this.timeout(60_000)

  it('the README has an example that runs', () => {
    if (examples.length === 0) {
      throw new Error('README.md has no example that runs')
    }
  })

  for (const example of examples) {
    it(`the example at line ${example.line} runs unchanged and prints what its comments say`, async () => {
      await runAsCommented(example, { packageDir: new URL('../', import.meta.url) })
    })
  }
})
