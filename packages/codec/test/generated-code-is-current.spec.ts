import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'aegir/chai'

const run = promisify(execFile)
const packageDir = new URL('..', import.meta.url).pathname
const protoDir = new URL('../../../proto/', import.meta.url).pathname

describe('generated protobuf code', () => {
  it('is what protons generates from proto/*.proto today', async function () {
    this.timeout(60_000)
    const out = await mkdtemp(join(tmpdir(), 'rendezvous-protons-'))
    try {
      const protos = (await readdir(protoDir)).filter(f => f.endsWith('.proto')).map(f => join(protoDir, f))
      expect(protos).to.have.length.greaterThan(0)
      await run(join(packageDir, 'node_modules/.bin/protons'), ['--output', out, ...protos], { cwd: packageDir })

      const generated = (await readdir(out)).sort()
      const committed = (await readdir(join(packageDir, 'src/pb'))).sort()
      expect(committed).to.deep.equal(generated, 'run `pnpm generate` and commit src/pb')
      for (const file of generated) {
        const fresh = await readFile(join(out, file), 'utf8')
        const ours = await readFile(join(packageDir, 'src/pb', file), 'utf8')
        expect(ours).to.equal(fresh, `src/pb/${file} differs from its .proto: run \`pnpm generate\``)
      }
    } finally {
      await rm(out, { recursive: true, force: true })
    }
  })
})
