import { expect } from 'aegir/chai'
import { MAX_NAMESPACE_BYTES } from '../src/constants.ts'
import { InvalidArgumentError, InvalidLimitError, InvalidNamespaceError, InvalidPeerIdError, InvalidPositionError, InvalidRegistrationError } from '../src/errors.ts'
import { utf8ByteLength, validateDiscoverOptions, validateLimit, validateNamespace, validateNewRegistration, validatePeerId, validatePosition } from '../src/validation.ts'
import type { NewRegistration } from '../src/store.ts'

const good: NewRegistration = {
  namespace: 'chat',
  peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
  signedPeerRecord: Uint8Array.of(1, 2, 3),
  ttl: 7200,
  registeredAt: 1_700_000_000_000,
  expiresAt: 1_700_007_200_000
}

describe('validation', () => {
  it('counts UTF-8 bytes as Buffer.byteLength does', () => {
    const samples = ['', 'a', 'é', '名', '🦀', 'a🦀b名é', '\u0000', '\u{10ffff}', '\uffff', 'x'.repeat(300)]

    // and random strings over the whole range of code points
    for (let i = 0; i < 500; i++) {
      let s = ''
      for (let j = 0; j < 20; j++) {
        let cp = Math.floor(Math.random() * 0x110000)
        if (cp >= 0xd800 && cp <= 0xdfff) { cp = 0x41 }
        s += String.fromCodePoint(cp)
      }
      samples.push(s)
    }

    for (const s of samples) {
      expect(utf8ByteLength(s), JSON.stringify(s)).to.equal(Buffer.byteLength(s, 'utf8'))
    }
  })

  it('accepts namespaces of 1 to 255 bytes and rejects the rest with InvalidNamespaceError', () => {
    for (const ok of ['a', 'a'.repeat(255), 'é'.repeat(127) + 'a', '名'.repeat(85), '🦀'.repeat(63) + 'abc', '/vac/waku/rendezvous/0.0.1']) {
      expect(() => { validateNamespace(ok) }).to.not.throw()
    }

    for (const bad of ['', 'a'.repeat(256), 'é'.repeat(128), '名'.repeat(86), '🦀'.repeat(64), '\ud800', 'a\udfff', 1, null, undefined]) {
      expect(() => { validateNamespace(bad) }, JSON.stringify(bad)).to.throw(InvalidNamespaceError)
    }

    expect(MAX_NAMESPACE_BYTES).to.equal(255)
  })

  it('rejects bad peer IDs with InvalidPeerIdError', () => {
    expect(() => { validatePeerId(good.peerId) }).to.not.throw()

    for (const bad of ['', 'x'.repeat(129), '\ud800', 5, null]) {
      expect(() => { validatePeerId(bad) }).to.throw(InvalidPeerIdError)
    }
  })

  it('rejects limits and positions that are not non-negative integers', () => {
    for (const ok of [0, 1, 1000, Number.MAX_SAFE_INTEGER]) {
      expect(() => { validateLimit(ok) }).to.not.throw()
      expect(() => { validatePosition(ok) }).to.not.throw()
    }

    expect(() => { validatePosition(undefined) }).to.not.throw()

    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1', null]) {
      expect(() => { validateLimit(bad) }).to.throw(InvalidLimitError)
      expect(() => { validatePosition(bad) }).to.throw(InvalidPositionError)
    }

    expect(() => { validateLimit(undefined) }).to.throw(InvalidLimitError)
    expect(() => { validateDiscoverOptions({ namespace: '', limit: 1 }) }).to.throw(InvalidNamespaceError)
    expect(() => { validateDiscoverOptions({ limit: 1, after: -1 }) }).to.throw(InvalidPositionError)
    expect(() => { validateDiscoverOptions(undefined as any) }).to.throw(InvalidArgumentError)
  })

  it('checks every field of a new registration', () => {
    expect(() => { validateNewRegistration(good) }).to.not.throw()
    expect(() => { validateNewRegistration({ ...good, ttl: 0, expiresAt: good.registeredAt }) }).to.not.throw()
    expect(() => { validateNewRegistration({ ...good, namespace: '' }) }).to.throw(InvalidNamespaceError)
    expect(() => { validateNewRegistration({ ...good, peerId: '' }) }).to.throw(InvalidPeerIdError)

    const bad: Array<Partial<Record<keyof NewRegistration, unknown>>> = [
      { signedPeerRecord: new Uint8Array() },
      { signedPeerRecord: [1, 2] },
      { ttl: -1 },
      { ttl: 0.5 },
      { registeredAt: -1 },
      { registeredAt: 1.5 },
      { expiresAt: Number.NaN },
      { expiresAt: good.registeredAt - 1 }
    ]

    for (const change of bad) {
      expect(() => { validateNewRegistration({ ...good, ...change } as any) }, JSON.stringify(change)).to.throw(InvalidRegistrationError)
    }

    expect(() => { validateNewRegistration(null as any) }).to.throw(InvalidRegistrationError)
  })

  it('accepts a Buffer as the envelope', () => {
    expect(() => { validateNewRegistration({ ...good, signedPeerRecord: Buffer.from([1]) }) }).to.not.throw()
  })
})
