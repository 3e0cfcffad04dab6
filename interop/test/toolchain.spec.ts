import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { PeerBuildError, ToolchainMissingError } from '../src/errors.ts'
import { buildGoPeer, findCargo, findGo } from '../src/toolchain.ts'
import { scriptFolder } from './fixtures/scripts.ts'
import type { Toolchain } from '../src/toolchain.ts'

/** What each toolchain check is asked, and what it must answer */
const CHECKS: Array<{
  find(env: NodeJS.ProcessEnv): Promise<Toolchain>
  /** The variable naming the command */
  variable: string
  /** A word of the install hint, and where to get it */
  install: string
  url: string
  /** What a too old and a new enough command print, and the version read from the latter */
  old: string
  new: string
  version: string
  /** The refusal names what it found */
  found: string
  describe: string
}> = [
  {
    find: findGo,
    variable: 'GO',
    install: 'Install Go 1.21 or later',
    url: 'https://go.dev/doc/install',
    old: 'go1.20.14',
    new: 'go1.26.8',
    version: 'go1.26.8',
    found: 'found "go1.20.14"',
    describe: 'findGo: a Go older than the peers\' go.mod files allow, and Go 1.21 and later'
  },
  {
    find: findCargo,
    variable: 'CARGO',
    install: 'Install Rust 1.88 or later',
    url: 'https://rustup.rs',
    old: 'cargo 1.75.0 (1d8b05cdd 2023-11-20)',
    new: 'cargo 1.95.0 (f2d3ce0bd 2026-03-21)',
    version: 'cargo 1.95.0',
    found: 'found "cargo 1.75.0',
    describe: 'findCargo: a Rust older than the libp2p crate needs, and Rust 1.88 and later'
  }
]

describe('the toolchain check', () => {
  const scripts = scriptFolder('interop-toolchain-')

  for (const check of CHECKS) {
    describe(check.describe, () => {
      it('names what is missing and how to install it when there is none', async () => {
        const err = await check.find({ [check.variable]: join(scripts.dir, 'no-such-command') }).catch(e => e)
        expect(err).to.be.an.instanceOf(ToolchainMissingError)
        expect(err.message).to.include('was not found on PATH').and.include(check.install).and.include(check.url)
      })

      it('refuses one that is too old', async () => {
        // a stand-in for `go env GOVERSION` or `cargo --version`
        const err = await check.find({ [check.variable]: await scripts.write(`${check.variable}-old`, `echo "${check.old}"`) }).catch(e => e)
        expect(err).to.be.an.instanceOf(ToolchainMissingError)
        expect(err.message).to.include(check.found)
      })

      it('accepts one that is new enough', async () => {
        const command = await scripts.write(`${check.variable}-new`, `echo "${check.new}"`)
        expect(await check.find({ [check.variable]: command })).to.deep.equal({ command, version: check.version })
      })
    })
  }

  describe('buildGoPeer', () => {
    /** A stand-in for `go build -o <binary> .` that writes the folder it ran in into the binary */
    async function fakeGoBuild (name: string, exitCode = 0): Promise<string> {
      return scripts.write(name, `mkdir -p "$(dirname "$3")" && pwd > "$3"\necho "compile error" >&2\nexit ${exitCode}`)
    }

    it('builds into the program\'s bin folder, or into the folder it is given, from the program\'s folder', async () => {
      const go = await fakeGoBuild('go-build')
      const peerDir = join(scripts.dir, 'peer')
      await mkdir(peerDir, { recursive: true })
      const inBin = await buildGoPeer(go, peerDir, 'go-rdv')
      expect(inBin).to.equal(join(peerDir, 'bin', 'go-rdv'))
      expect((await readFile(inBin, 'utf8')).trim()).to.equal(peerDir)
      const elsewhere = await buildGoPeer(go, peerDir, 'rdv-bench', { outDir: join(scripts.dir, 'out') })
      expect(elsewhere).to.equal(join(scripts.dir, 'out', 'rdv-bench'))
      expect((await readFile(elsewhere, 'utf8')).trim()).to.equal(peerDir)
    })

    it('says what the compiler said when the build fails', async () => {
      const peerDir = join(scripts.dir, 'broken')
      await mkdir(peerDir, { recursive: true })
      const err = await buildGoPeer(await fakeGoBuild('go-broken', 1), peerDir, 'go-rdv').catch(e => e)
      expect(err).to.be.an.instanceOf(PeerBuildError)
      expect(err.message).to.include('compile error')
    })
  })
})
