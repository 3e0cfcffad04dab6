import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'aegir/chai'
import { signatureChecks } from '../src/signature-checks.ts'

describe('signature checks leave Error.stackTraceLimit as it was', () => {
  const original = Error.stackTraceLimit

  afterEach(() => {
    Error.stackTraceLimit = original
  })

  for (const type of ['Ed25519', 'secp256k1'] as const) {
    it(`${type}: after a good signature, a bad one, and a key it cannot import`, async () => {
      const checks = signatureChecks
      if (checks == null) {
        throw new Error('Node.js has direct signature checks')
      }
      const check = type === 'Ed25519' ? checks.ed25519 : checks.secp256k1
      const key = await generateKeyPair(type)
      const data = Uint8Array.from([1, 2, 3])
      const signature = await key.sign(data)
      Error.stackTraceLimit = 17

      expect(check(key.publicKey.raw, data, signature)).to.be.true()
      expect(Error.stackTraceLimit).to.equal(17)

      expect(check(key.publicKey.raw, Uint8Array.from([1, 2, 4]), signature)).to.be.false()
      expect(Error.stackTraceLimit).to.equal(17)

      expect(() => check(new Uint8Array(31), data, signature)).to.throw()
      expect(Error.stackTraceLimit).to.equal(17)
    })
  }
})
