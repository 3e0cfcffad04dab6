import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'aegir/chai'
import { verifyEd25519 } from '../src/ed25519-verifier.ts'

describe('the Ed25519 check leaves Error.stackTraceLimit as it was', () => {
  const original = Error.stackTraceLimit

  afterEach(() => {
    Error.stackTraceLimit = original
  })

  it('after a good signature, a bad one, and a key it cannot import', async () => {
    const check = verifyEd25519
    if (check == null) {
      throw new Error('Node.js has a direct Ed25519 check')
    }
    const key = await generateKeyPair('Ed25519')
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
})
