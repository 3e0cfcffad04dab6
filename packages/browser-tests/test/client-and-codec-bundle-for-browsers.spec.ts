import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import { build } from 'esbuild'

describe('@rendezvous/client and @rendezvous/codec bundle for browsers', () => {
  it('with no Node built-in anywhere on their import paths', async () => {
    // inside this package, so that the workspace packages resolve as a browser app would resolve them
    const dir = await mkdtemp(join(fileURLToPath(new URL('..', import.meta.url)), '.bundle-check-'))
    try {
      const entry = join(dir, 'entry.js')
      await writeFile(entry, "export * from '@rendezvous/client'\nexport * from '@rendezvous/codec'\n")
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        write: false,
        metafile: true,
        logLevel: 'silent',
        outfile: join(dir, 'out.js')
      })
      const inputs = Object.keys(result.metafile.inputs)
      expect(inputs.some(i => i.includes('client/dist/src/'))).to.be.true()
      expect(inputs.some(i => i.includes('codec/dist/src/'))).to.be.true()
      expect(inputs.filter(i => i.startsWith('node:') || /(^|\/)node_modules\/(buffer|process|crypto-browserify)\//.test(i))).to.deep.equal([])
      const imports = Object.values(result.metafile.outputs).flatMap(o => o.imports.map(i => i.path))
      expect(imports.filter(i => i.startsWith('node:'))).to.deep.equal([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
