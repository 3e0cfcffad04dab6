import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { expect } from 'aegir/chai'
import { createFileAtomically } from '../src/atomic-file.ts'
import { loadCookieSecret, persistCookieSecret } from '../src/cookie-secret.ts'
import { KeyFileError } from '../src/errors.ts'
import { loadIdentity, persistIdentity } from '../src/identity.ts'
import { directoryEachTest } from './fixtures/daemon-suite.ts'

describe('key files', () => {
  const suite = directoryEachTest('cli-keys')

  it('creates a file with mode 0600 and leaves no temporary file behind', async () => {
    const path = join(suite.dir, 'secret')
    expect(await createFileAtomically(path, Uint8Array.from([1, 2, 3]))).to.equal(true)
    expect([...await readFile(path)]).to.deep.equal([1, 2, 3])
    expect((await stat(path)).mode & 0o777).to.equal(0o600)
    expect(await readdir(suite.dir)).to.deep.equal(['secret'])
  })

  it('never replaces an existing file: of two concurrent creators exactly one wins', async () => {
    const path = join(suite.dir, 'secret')
    const results = await Promise.all([
      createFileAtomically(path, Uint8Array.from([1])),
      createFileAtomically(path, Uint8Array.from([2]))
    ])
    expect(results.filter(Boolean)).to.have.lengthOf(1)
    const winner = results[0] ? 1 : 2
    expect([...await readFile(path)]).to.deep.equal([winner])
    expect(await readdir(suite.dir)).to.deep.equal(['secret'])
  })

  it('generates an identity in memory, writes it once, and reads the same one back', async () => {
    const fresh = await loadIdentity(suite.dir)
    expect(fresh.generated).to.equal(true)
    expect(await readdir(suite.dir)).to.deep.equal([])

    const { identity, created } = await persistIdentity(fresh)
    expect(created).to.equal(true)
    const onDisk = privateKeyFromProtobuf(await readFile(join(suite.dir, 'identity.key')))
    expect(onDisk.equals(fresh.privateKey)).to.equal(true)
    expect(onDisk.type).to.equal('Ed25519')

    const again = await loadIdentity(suite.dir)
    expect(again.generated).to.equal(false)
    expect(again.privateKey.equals(identity.privateKey)).to.equal(true)
  })

  it('adopts the identity another process wrote between load and persist', async () => {
    const mine = await loadIdentity(suite.dir)
    const theirs = await loadIdentity(suite.dir)
    await persistIdentity(theirs)
    const { identity, created } = await persistIdentity(mine)
    expect(created).to.equal(false)
    expect(identity.privateKey.equals(theirs.privateKey)).to.equal(true)
  })

  it('refuses a damaged identity key with a typed error', async () => {
    await writeFile(join(suite.dir, 'identity.key'), 'not a key')
    await expect(loadIdentity(suite.dir)).to.eventually.be.rejectedWith(KeyFileError, /is not a protobuf-encoded libp2p private key/)
  })

  it('keeps the cookie secret of a persistent store and reads it back', async () => {
    const fresh = await loadCookieSecret(suite.dir, true)
    expect(fresh.secret).to.have.lengthOf(32)
    await persistCookieSecret(fresh)
    const again = await loadCookieSecret(suite.dir, true)
    expect(again.generated).to.equal(false)
    expect([...again.secret]).to.deep.equal([...fresh.secret])
  })

  it('never writes the cookie secret of the memory store', async () => {
    const ephemeral = await loadCookieSecret(suite.dir, false)
    expect(ephemeral.path).to.equal(undefined)
    expect((await persistCookieSecret(ephemeral)).created).to.equal(false)
    expect(await readdir(suite.dir)).to.deep.equal([])
  })

  it('refuses a cookie secret of the wrong length', async () => {
    await writeFile(join(suite.dir, 'cookie-secret'), new Uint8Array(31))
    await expect(loadCookieSecret(suite.dir, true)).to.eventually.be.rejectedWith(KeyFileError, /has 31 bytes, not 32/)
  })
})
