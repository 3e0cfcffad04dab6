import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { readmeExamples, runAsCommented } from '@rendezvous/test-utils'
import { twoPoints } from '../examples/two-points.ts'
import { startPostgres } from '../src/testing.ts'

describe('the README example runs', function () {
  this.timeout(60_000)

  it('two points on one database see each other\'s registrations and share the cookie key', async () => {
    const server = await startPostgres()

    try {
      const result = await twoPoints(server.url)
      assert.deepEqual(result, {
        discovered: ['12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'],
        sampled: 1,
        sameCookieKey: true
      })
    } finally {
      await server.stop()
    }
  })

  it('the README shows the example as it is in examples/two-points.ts', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    const example = await readFile(new URL('../examples/two-points.ts', import.meta.url), 'utf8')
    const body = example.slice(example.indexOf('export async function'), example.indexOf('\nif (import.meta.url'))
    assert.ok(readme.includes(body.trim()), 'README.md must contain the code of examples/two-points.ts')
  })

  it('every other example of the README runs unchanged and prints what its comments say', async () => {
    const examples = (await readmeExamples(new URL('../README.md', import.meta.url))).filter(example => example.notRun == null)
    assert.equal(examples.length, 1, 'the README example of the testing server')
    for (const example of examples) {
      await runAsCommented(example, { packageDir: new URL('../', import.meta.url) })
    }
  })
})
