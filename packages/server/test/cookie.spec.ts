import { expect } from 'aegir/chai'
import { COOKIE_BYTES } from '../src/constants.ts'
import { generateCookieSecret, mintCookie, openCookie, validateCookieSecret } from '../src/cookie.ts'
import { InvalidCookieError, InvalidServerConfigError } from '../src/errors.ts'

describe('cookies', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => i)

  it('round-trips a position for a namespace, including 0 and the largest safe integer', () => {
    for (const position of [0, 1, 12345, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER]) {
      for (const ns of ['', 'chat', 'é'.repeat(127)]) {
        const cookie = mintCookie(secret, ns, position)
        expect(cookie).to.have.lengthOf(COOKIE_BYTES)
        expect(openCookie(secret, ns, cookie)).to.equal(position)
      }
    }
  })

  it('is deterministic: no state on the server, the same inputs mint the same bytes', () => {
    expect(mintCookie(secret, 'ns', 7)).to.equalBytes(mintCookie(Uint8Array.from(secret), 'ns', 7))
  })

  it('refuses every single-bit change', () => {
    const cookie = mintCookie(secret, 'ns', 42)
    for (let bit = 0; bit < cookie.byteLength * 8; bit++) {
      const altered = Uint8Array.from(cookie)
      altered[bit >> 3] ^= 1 << (bit & 7)
      expect(() => openCookie(secret, 'ns', altered), `bit ${bit}`).to.throw(InvalidCookieError)
    }
  })

  it('refuses a cookie of another namespace, another secret, another length or version', () => {
    const cookie = mintCookie(secret, 'ns', 42)
    expect(() => openCookie(secret, 'ns2', cookie)).to.throw(InvalidCookieError)
    expect(() => openCookie(secret, '', cookie)).to.throw(InvalidCookieError)
    expect(() => openCookie(generateCookieSecret(), 'ns', cookie)).to.throw(InvalidCookieError)
    expect(() => openCookie(secret, 'ns', cookie.subarray(0, COOKIE_BYTES - 1))).to.throw(InvalidCookieError)
    expect(() => openCookie(secret, 'ns', new Uint8Array(0))).to.throw(InvalidCookieError)
    const longer = new Uint8Array(COOKIE_BYTES + 1)
    longer.set(cookie)
    expect(() => openCookie(secret, 'ns', longer)).to.throw(InvalidCookieError)
  })

  it('a namespace cannot be confused with a namespace plus position bytes', () => {
    // the namespace's length is in the MAC, so shifting bytes between namespace and position cannot collide
    const a = mintCookie(secret, 'ab', 1)
    const b = mintCookie(secret, 'a', 1)
    expect(a.subarray(8)).to.not.equalBytes(b.subarray(8))
  })

  it('parses as a rust-libp2p cookie: an 8-byte (or, in older releases, 16-byte) id, then UTF-8 of at most 255 bytes', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true })
    for (const position of [0, 1, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const cookie = mintCookie(secret, 'ns', position)
      const rest = fatal.decode(cookie.subarray(8))
      expect(rest).to.match(/^v1\.[A-Za-z0-9_-]{22}$/)
      expect(cookie.byteLength - 8).to.be.at.most(255)
      expect(() => fatal.decode(cookie.subarray(16))).to.not.throw()
      expect(new DataView(cookie.buffer, cookie.byteOffset, 8).getBigUint64(0)).to.equal(BigInt(position))
    }
  })

  it('mintCookie refuses positions that are not non-negative safe integers', () => {
    for (const position of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN]) {
      expect(() => mintCookie(secret, 'ns', position)).to.throw(RangeError)
    }
  })

  it('secrets: random ones differ; short or non-byte ones are refused', () => {
    expect(generateCookieSecret()).to.have.lengthOf(32)
    expect(generateCookieSecret()).to.not.equalBytes(generateCookieSecret())
    expect(() => { validateCookieSecret(new Uint8Array(15)) }).to.throw(InvalidServerConfigError)
    expect(() => { validateCookieSecret('a string secret') }).to.throw(InvalidServerConfigError)
    validateCookieSecret(new Uint8Array(16))
  })
})
