import crypto from 'node:crypto'
import { realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { expect } from 'aegir/chai'
import type { PrivateKey } from '@libp2p/interface'

/**
 * The repository carries a patch of `@libp2p/crypto` (patches/@libp2p__crypto@5.1.23.patch, described in
 * docs/upstream.md): an Ed25519 signature is checked by libsodium where it loads, and by OpenSSL when
 * libsodium refuses it (the verdict stays OpenSSL's), whose public key is imported without the stacks of the
 * errors Node's import throws and catches inside, and from the raw key where Node reads one. Noise checks
 * every peer's signature this way in every handshake. These tests fail when the dependency changes under it:
 * a new version must be checked against the patch (dropped if upstream fixed it, ported otherwise), not
 * silently run without it.
 */
describe('the @libp2p/crypto patch', () => {
  // the copy Noise checks signatures with: pnpm links a package's dependencies beside it, in the
  // node_modules that holds it (the package's entry is dist/src/index.js: its root is three levels up)
  const noiseRoot = join(realpathSync(fileURLToPath(import.meta.resolve('@chainsafe/libp2p-noise'))), '../../..')
  const root = realpathSync(join(noiseRoot, '../../@libp2p/crypto'))
  const keys = async (): Promise<{ generateKeyPair(type: 'Ed25519'): Promise<PrivateKey> }> => import(pathToFileURL(join(root, 'dist/src/keys/index.js')).href)

  it('applies to the @libp2p/crypto version it was written for', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
    expect(pkg.version).to.equal('5.1.23', '@libp2p/crypto changed: re-check patches/@libp2p__crypto@5.1.23.patch against it (docs/upstream.md)')
  })

  it('checks a good Ed25519 signature with libsodium, and a bad one with OpenSSL too, its key imported without stack traces', async () => {
    const key = await (await keys()).generateKeyPair('Ed25519')
    const data = new TextEncoder().encode('a noise static key')
    const signature = await key.sign(data)
    const damaged = Uint8Array.from(signature)
    damaged[7] ^= 1

    // the module calls createPublicKey on node:crypto's default export at each check: watch it there
    const createPublicKey = crypto.createPublicKey
    const limits: number[] = []
    crypto.createPublicKey = ((...args: Parameters<typeof createPublicKey>) => {
      limits.push(Error.stackTraceLimit)
      return createPublicKey(...args)
    }) as typeof createPublicKey
    try {
      expect(await key.publicKey.verify(data, signature)).to.equal(true)
      expect(await key.publicKey.verify(data, damaged)).to.equal(false)
    } finally {
      crypto.createPublicKey = createPublicKey
    }
    // libsodium accepted the good signature by itself; OpenSSL judged the one libsodium refused
    expect(limits).to.deep.equal([0])
    // and the limit is given back
    expect(Error.stackTraceLimit).to.be.greaterThan(0)
  })
})
