import { Buffer } from 'node:buffer'
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { expect } from 'aegir/chai'
import { libsodium } from '../src/libsodium.ts'
import { signatureChecks } from '../src/signature-checks.ts'

/** OpenSSL's verdict, as `@libp2p/crypto` asks Node for it */
function openssl (rawKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(rawKey).toString('base64url') }, format: 'jwk' })
    return verify(null, data, key, signature)
  } catch {
    return false
  }
}

function rawPublicKey (): { raw: Uint8Array, sign(data: Uint8Array): Uint8Array } {
  const pair = generateKeyPairSync('ed25519')
  const raw = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')
  return { raw, sign: data => sign(null, data, pair.privateKey) }
}

// the identity point (y = 1) and the point of order 2 (y = -1): encodings of small-order points
const IDENTITY = Uint8Array.from([1, ...new Array<number>(31).fill(0)])
const ORDER_TWO = Uint8Array.from([0xec, ...new Array<number>(30).fill(0xff), 0x7f])

describe('Ed25519 checks agree with OpenSSL', () => {
  const ed25519 = signatureChecks?.ed25519
  if (ed25519 == null) {
    throw new Error('Node.js has direct signature checks')
  }

  it('libsodium loads in this repository (the fast check is in use, not silently lost)', () => {
    expect(libsodium).to.not.be.undefined()
  })

  it('valid signatures are accepted, and any changed byte of message or signature is refused, as OpenSSL decides', () => {
    for (let round = 0; round < 20; round++) {
      const key = rawPublicKey()
      const data = Uint8Array.from({ length: 40 + round }, (_, i) => (i * 7 + round) & 0xff)
      const signature = key.sign(data)
      expect(ed25519(key.raw, data, signature)).to.be.true()

      const changedData = Uint8Array.from(data)
      changedData[round % changedData.length] ^= 1
      expect(ed25519(key.raw, changedData, signature)).to.equal(openssl(key.raw, changedData, signature)).and.to.be.false()

      const changedSignature = Uint8Array.from(signature)
      changedSignature[(round * 3) % 64] ^= 0x10
      expect(ed25519(key.raw, data, changedSignature)).to.equal(openssl(key.raw, data, changedSignature)).and.to.be.false()
    }
  })

  it('signatures over small-order keys and points, the corner where libsodium is the stricter, get OpenSSL\'s verdict', () => {
    const data = Uint8Array.from([1, 2, 3])
    // R = identity, S = 0 satisfies the verification equation for the identity key and any message
    const forged = Uint8Array.from([...IDENTITY, ...new Array<number>(32).fill(0)])
    const cases: Array<[Uint8Array, Uint8Array]> = [
      [IDENTITY, forged],
      [ORDER_TWO, forged],
      [rawPublicKey().raw, forged]
    ]
    for (const [key, signature] of cases) {
      expect(ed25519(key, data, signature)).to.equal(openssl(key, data, signature))
    }
    if (libsodium != null) {
      // libsodium refuses the forged signature of the identity key by itself
      expect(libsodium.crypto_sign_verify_detached(forged, data, IDENTITY)).to.be.false()
    }
  })
})
