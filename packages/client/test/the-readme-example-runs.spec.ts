import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect } from 'aegir/chai'

describe('the README example runs', function () {
  this.timeout(30_000)

  it('registers at a point and finds itself there, as the README says', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    const source = /```ts\n([\s\S]*?)\n```/.exec(readme)?.[1]
    expect(source, 'README.md has a ```ts block').to.be.a('string')
    // written to a temporary directory the example finds no package by name: each import is pointed at the
    // file it resolves to from here (this package at its source, as the tests import it)
    const resolved = String(source).replace(/from '([^']+)'/g, (_, specifier: string) =>
      `from '${specifier === '@rendezvous/client' ? new URL('../src/index.ts', import.meta.url).href : import.meta.resolve(specifier)}'`)
    const dir = await mkdtemp(join(tmpdir(), 'client-readme-'))
    const file = join(dir, 'example.mts')
    await writeFile(file, resolved)

    const info: unknown[][] = []
    const terminal = globalThis.console
    const realInfo = terminal.info
    terminal.info = (...args: unknown[]) => { info.push(args) }
    try {
      await import(pathToFileURL(file).href)
    } finally {
      terminal.info = realInfo
      await rm(dir, { recursive: true, force: true })
    }
    expect(info).to.deep.equal([
      ['registered for', 7200, 'seconds over', '/rendezvous/1.0.0'],
      ['found', 'myself', 'in the', 'standard', 'format']
    ])
  })
})
