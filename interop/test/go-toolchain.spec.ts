import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { GoToolchainMissingError, findGo } from '../src/go-toolchain.ts'

describe('findGo', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'interop-go-'))
  })

  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function fakeGo (version: string): Promise<string> {
    const file = join(dir, `go-${version}`)
    await writeFile(file, `#!/bin/sh\necho ${version}\n`)
    await chmod(file, 0o755)
    return file
  }

  it('names what is missing and how to install it when there is no Go', async () => {
    const err = await findGo({ GO: join(dir, 'no-such-go') }).catch(e => e)
    expect(err).to.be.an.instanceOf(GoToolchainMissingError)
    expect(err.message).to.include('was not found on PATH').and.include('Install Go 1.21 or later').and.include('https://go.dev/doc/install')
  })

  it('refuses a Go older than the peer\'s go.mod allows', async () => {
    const err = await findGo({ GO: await fakeGo('go1.20.14') }).catch(e => e)
    expect(err).to.be.an.instanceOf(GoToolchainMissingError)
    expect(err.message).to.include('found "go1.20.14"')
  })

  it('accepts Go 1.21 and later', async () => {
    const go = await fakeGo('go1.26.8')
    expect(await findGo({ GO: go })).to.deep.equal({ go, version: 'go1.26.8' })
  })
})
