import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect } from 'aegir/chai'

/** The first ```ts block of the README, the package's usage example */
async function readmeExample (): Promise<string> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
  const match = /```ts\n([\s\S]*?)\n```/.exec(readme)
  if (match == null) {
    throw new Error('README.md has no ```ts block')
  }
  return match[1]
}

/**
 * The example imports the package by its name and its dependencies by theirs; written to a temporary
 * directory, it finds neither, so each import is pointed at the file it resolves to from this package
 * (the package itself at its source, as every test here imports it)
 */
function resolveImports (source: string): string {
  return source.replace(/from '([^']+)'/g, (_, specifier: string) => {
    const url = specifier === '@rendezvous/codec' ? new URL('../src/index.ts', import.meta.url).href : import.meta.resolve(specifier)
    return `from '${url}'`
  })
}

describe('the README example runs', () => {
  it('seals, frames, decodes and opens records in the three dialects as the README says', async () => {
    const source = await readmeExample()
    expect(source).to.include("from '@rendezvous/codec'")

    const dir = await mkdtemp(join(tmpdir(), 'codec-readme-'))
    const file = join(dir, 'example.mts')
    await writeFile(file, resolveImports(source))

    const info: unknown[][] = []
    const warnings: unknown[][] = []
    // what the example prints is what it proves
    const terminal = globalThis.console
    const { info: realInfo, warn: realWarn } = terminal
    terminal.info = (...args: unknown[]) => { info.push(args) }
    terminal.warn = (...args: unknown[]) => { warnings.push(args) }
    try {
      await import(pathToFileURL(file).href)
    } finally {
      terminal.info = realInfo
      terminal.warn = realWarn
      await rm(dir, { recursive: true, force: true })
    }

    expect(warnings).to.deep.equal([])
    expect(info).to.have.length(3)

    // the 0.0.1 REGISTER decoded, its standard record opened
    const [ns, format, peerId, multiaddrs] = info[0]
    expect([ns, format, multiaddrs]).to.deep.equal(['my-app', 'standard', ['/ip4/127.0.0.1/tcp/4001']])
    expect(peerId).to.be.a('string').and.match(/^12D3KooW/)

    // nwaku's dialect found by protocol ID, its WakuPeerRecord sealed with a sequence number in unix seconds
    const [name, wakuFormat, seq, sameMixKey] = info[1]
    expect([name, wakuFormat, sameMixKey]).to.deep.equal(['waku/1.0.0', 'waku', true])
    expect(seq).to.be.a('bigint')
    expect(Number(seq)).to.be.within(Math.floor(Date.now() / 1000) - 600, Math.ceil(Date.now() / 1000))

    // three frames: 0.0.1 leaves the REGISTER type (0) off the wire, 1.0.0 writes it
    const [v0, v1, nwaku] = info[2] as number[]
    expect(v1).to.be.greaterThan(v0)
    expect(nwaku).to.be.greaterThan(0)
  })
})
