import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { readmeExamples } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { killAll, spawnDaemon, waitForExit } from './fixtures/daemon-process.ts'
import type { DaemonProcess } from './fixtures/daemon-process.ts'

const run = promisify(execFile)

function repositoryRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  // this file runs from packages/cli/test or packages/cli/dist/test
  for (let depth = 0; depth < 6 && !existsSync(join(dir, 'pnpm-workspace.yaml')); depth++) {
    dir = dirname(dir)
  }
  return dir
}

const ROOT = repositoryRoot()

/** The first ```js block of a README section: what a reader copies */
async function readmeExample (heading: string, readmePath = 'README.md'): Promise<string> {
  const readme = await readFile(join(ROOT, readmePath), 'utf8')
  const section = readme.split(/^## /m).find(s => s.startsWith(heading))
  const code = section == null ? undefined : /```js\n([\s\S]*?)```/.exec(section)?.[1]
  if (code == null) {
    throw new Error(`${readmePath} has no js example under "## ${heading}"`)
  }
  return code
}

/** The libp2p modules the README example uses besides the packages, at the versions the packages use */
const EXAMPLE_DEPENDENCIES = ['libp2p@^3.3.11', '@libp2p/tcp@^11.0.28', '@chainsafe/libp2p-noise@^17.0.0', '@libp2p/yamux@^8.0.3', '@libp2p/identify@^4.1.14']

/** Spawn the installed bin (`node_modules/.bin/rendezvous`) as a user of the tarball would */
function spawnInstalled (app: string, args: string[]): DaemonProcess {
  // node_modules/.bin/rendezvous, as npx runs it
  return spawnDaemon(args, { cwd: app, bin: join(app, 'node_modules', '.bin', 'rendezvous') })
}

describe('packed tarballs (pnpm pack), installed outside the clone', function () {
  // packing nine packages and installing them with their dependencies from the registry
  this.timeout(300_000)

  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-pack-'))
    await run(process.execPath, [join(ROOT, '.ci', 'pack.mjs'), join(dir, 'packs')], { cwd: ROOT, timeout: 120_000 })
  })

  after(async () => {
    await killAll()
    await rm(dir, { recursive: true, force: true })
  })

  it('hold the built code, types, README and both licenses, and no tests, benchmarks or build state', async () => {
    const tarballs = (await readdir(join(dir, 'packs'))).filter(f => f.endsWith('.tgz')).sort()
    expect(tarballs).to.deep.equal([
      'rendezvous-cli-0.1.0.tgz', 'rendezvous-client-0.1.0.tgz', 'rendezvous-codec-0.1.0.tgz', 'rendezvous-server-0.1.0.tgz',
      'rendezvous-store-0.1.0.tgz', 'rendezvous-store-level-0.1.0.tgz', 'rendezvous-store-memory-0.1.0.tgz',
      'rendezvous-store-postgres-0.1.0.tgz', 'rendezvous-store-sqlite-0.1.0.tgz'
    ])
    for (const tarball of tarballs) {
      const { stdout } = await run('tar', ['-tzf', join(dir, 'packs', tarball)])
      const files = stdout.trim().split('\n').map(f => f.replace(/^package\//, ''))
      for (const required of ['package.json', 'README.md', 'LICENSE-APACHE', 'LICENSE-MIT', 'dist/src/index.js', 'dist/src/index.d.ts']) {
        expect(files, `${tarball} holds ${required}`).to.include(required)
      }
      const unwanted = files.filter(f => /^(test|benchmarks?|dist\/test|dist\/benchmarks?|dist\/examples)\//.test(f) || f.endsWith('.tsbuildinfo'))
      expect(unwanted, `${tarball} holds no tests, benchmarks, examples or build state`).to.deep.equal([])

      const { stdout: manifestText } = await run('tar', ['-xzOf', join(dir, 'packs', tarball), 'package/package.json'])
      const manifest = JSON.parse(manifestText)
      // every export's files are in the tarball, and no workspace: range is left for the registry to choke on
      for (const [subpath, target] of Object.entries<Record<string, string>>(manifest.exports)) {
        for (const file of [target.types, target.import]) {
          expect(files, `${tarball} export ${subpath}: ${file}`).to.include(file.replace(/^\.\//, ''))
        }
      }
      expect(JSON.stringify(manifest.dependencies ?? {})).to.not.include('workspace:')
    }
  })

  it('install with npm, run the README example unchanged, and serve with the rendezvous bin', async () => {
    const app = join(dir, 'app')
    await run('mkdir', ['-p', app])
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
    const tarballs = (await readdir(join(dir, 'packs'))).map(f => join(dir, 'packs', f))
    await run('npm', ['install', '--no-audit', '--no-fund', ...tarballs, ...EXAMPLE_DEPENDENCIES], { cwd: app, timeout: 240_000 })

    // every export of every package imports, with the Node the tests run on
    for (const tarball of tarballs) {
      const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'])
      const manifest = JSON.parse(stdout)
      for (const subpath of Object.keys(manifest.exports)) {
        const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`
        await run(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`], { cwd: app })
      }
    }

    await writeFile(join(app, 'example.mjs'), await readmeExample('Using the packages'))
    const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: app, timeout: 60_000 })
    expect(stdout).to.match(/^alice registered under my-app for 7200 s$/m)
    expect(stdout).to.match(/^bob found 12D3KooW\w+ at \/ip4\/127\.0\.0\.1\/tcp\/\d+$/m)

    // the daemon from code, as @rendezvous/cli's README shows it (its one example): runs until SIGINT
    const examples = (await readmeExamples(new URL('../README.md', import.meta.url))).filter(example => example.notRun == null)
    expect(examples).to.have.lengthOf(1)
    await writeFile(join(app, 'point.mjs'), examples[0].source)
    const fromCode = spawnDaemon([], { cwd: app, bin: join(app, 'point.mjs') })
    await fromCode.waitFor(/^peer id 12D3KooW\w+$/, 30_000)
    await fromCode.waitFor(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW\w+$/)
    // the address and peer ID differ on every run; the rest is what the example's comments say
    await fromCode.waitFor(new RegExp(`^${examples[0].commented.at(-1)}$`))
    fromCode.child.kill('SIGINT')
    expect(await waitForExit(fromCode)).to.deep.equal({ code: 0, signal: null })
    expect(fromCode.stdout().trim().split('\n').slice(2)).to.deep.equal(examples[0].commented)

    const daemon = spawnInstalled(app, ['serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', join(app, 'data'), '--admin', '127.0.0.1:0', '--json'])
    const ready = JSON.parse(await daemon.waitFor(/"event":"listening"/, 30_000))
    expect(ready).to.include({ store: 'sqlite', version: '0.1.0' })
    const status = spawnInstalled(app, ['status', '--admin', new URL(ready.admin).host])
    expect(await waitForExit(status)).to.deep.equal({ code: 0, signal: null })
    expect(status.stdout()).to.match(new RegExp(`^peer id +${ready.peerId}$`, 'm'))
    daemon.child.kill('SIGINT')
    expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
  })
})
