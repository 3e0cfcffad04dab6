import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect } from 'aegir/chai'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)

/** The published packages, by directory: what a user installs and imports */
const PUBLISHED = ['codec', 'store', 'store-memory', 'store-level', 'store-sqlite', 'store-postgres', 'server', 'client', 'cli']

/**
 * What an older Node.js reports, before any module of the package loads: a preload (`--import`) that makes
 * this process say it is Node.js 20, so the check runs on whatever Node runs the tests
 */
const PRETEND_NODE_20 = `data:text/javascript,${encodeURIComponent("Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.20.2' } })")}`

describe('every package refuses an older Node.js, naming itself', function () {
  this.timeout(60_000)

  for (const dir of PUBLISHED) {
    it(`@rendezvous/${dir}`, async () => {
      const manifest = JSON.parse(await readFile(join(ROOT, 'packages', dir, 'package.json'), 'utf8'))
      const entry = join(ROOT, 'packages', dir, manifest.exports['.'].import)
      const failed = await run(process.execPath, ['--import', PRETEND_NODE_20, '--input-type=module', '-e', `await import(${JSON.stringify(entry)})`])
        .then(() => undefined, (err: any) => err)
      expect(failed, 'the import fails').to.not.equal(undefined)
      expect(failed.stderr).to.include(`Error: ${String(manifest.name)} needs Node.js 22.18 or newer; this is Node.js 20.20.2`)
    })
  }
})
