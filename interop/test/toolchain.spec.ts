import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { PeerBuildError, ToolchainMissingError } from '../src/errors.ts'
import { buildGoPeer, findCargo, findGo } from '../src/toolchain.ts'

describe('the toolchain check', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'interop-toolchain-'))
  })

  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** A stand-in for `go env GOVERSION` or `cargo --version` that prints `output` */
  async function fake (name: string, output: string): Promise<string> {
    const file = join(dir, name)
    await writeFile(file, `#!/bin/sh\necho "${output}"\n`)
    await chmod(file, 0o755)
    return file
  }

  describe('findGo', () => {
    it('names what is missing and how to install it when there is no Go', async () => {
      const err = await findGo({ GO: join(dir, 'no-such-go') }).catch(e => e)
      expect(err).to.be.an.instanceOf(ToolchainMissingError)
      expect(err.message).to.include('was not found on PATH').and.include('Install Go 1.21 or later').and.include('https://go.dev/doc/install')
    })

    it('refuses a Go older than the peers\' go.mod files allow', async () => {
      const err = await findGo({ GO: await fake('go-old', 'go1.20.14') }).catch(e => e)
      expect(err).to.be.an.instanceOf(ToolchainMissingError)
      expect(err.message).to.include('found "go1.20.14"')
    })

    it('accepts Go 1.21 and later', async () => {
      const go = await fake('go-new', 'go1.26.8')
      expect(await findGo({ GO: go })).to.deep.equal({ command: go, version: 'go1.26.8' })
    })
  })

  describe('findCargo', () => {
    it('names what is missing and how to install it when there is no cargo', async () => {
      const err = await findCargo({ CARGO: join(dir, 'no-such-cargo') }).catch(e => e)
      expect(err).to.be.an.instanceOf(ToolchainMissingError)
      expect(err.message).to.include('was not found on PATH').and.include('Install Rust 1.88 or later').and.include('https://rustup.rs')
    })

    it('refuses a Rust older than the libp2p crate needs', async () => {
      const err = await findCargo({ CARGO: await fake('cargo-old', 'cargo 1.75.0 (1d8b05cdd 2023-11-20)') }).catch(e => e)
      expect(err).to.be.an.instanceOf(ToolchainMissingError)
      expect(err.message).to.include('found "cargo 1.75.0')
    })

    it('accepts Rust 1.88 and later', async () => {
      const cargo = await fake('cargo-new', 'cargo 1.95.0 (f2d3ce0bd 2026-03-21)')
      expect(await findCargo({ CARGO: cargo })).to.deep.equal({ command: cargo, version: 'cargo 1.95.0' })
    })
  })

  describe('buildGoPeer', () => {
    /** A stand-in for `go build -o <binary> .` that writes the folder it ran in into the binary */
    async function fakeGoBuild (name: string, exitCode = 0): Promise<string> {
      const file = join(dir, name)
      await writeFile(file, `#!/bin/sh\nmkdir -p "$(dirname "$3")" && pwd > "$3"\necho "compile error" >&2\nexit ${exitCode}\n`)
      await chmod(file, 0o755)
      return file
    }

    it('builds into the program\'s bin folder, or into the folder it is given, from the program\'s folder', async () => {
      const go = await fakeGoBuild('go-build')
      const peerDir = join(dir, 'peer')
      await mkdir(peerDir, { recursive: true })
      const inBin = await buildGoPeer(go, peerDir, 'go-rdv')
      expect(inBin).to.equal(join(peerDir, 'bin', 'go-rdv'))
      expect((await readFile(inBin, 'utf8')).trim()).to.equal(peerDir)
      const elsewhere = await buildGoPeer(go, peerDir, 'rdv-bench', { outDir: join(dir, 'out') })
      expect(elsewhere).to.equal(join(dir, 'out', 'rdv-bench'))
      expect((await readFile(elsewhere, 'utf8')).trim()).to.equal(peerDir)
    })

    it('says what the compiler said when the build fails', async () => {
      const peerDir = join(dir, 'broken')
      await mkdir(peerDir, { recursive: true })
      const err = await buildGoPeer(await fakeGoBuild('go-broken', 1), peerDir, 'go-rdv').catch(e => e)
      expect(err).to.be.an.instanceOf(PeerBuildError)
      expect(err.message).to.include('compile error')
    })
  })
})
