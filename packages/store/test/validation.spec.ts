import { expect } from 'aegir/chai'
import { MAX_FORMAT_BYTES, MAX_NAMESPACE_BYTES } from '../src/constants.ts'
import { InvalidArgumentError, InvalidLimitError, InvalidNamespaceError, MalformedPeerIdError, InvalidPositionError, InvalidRegistrationError } from '../src/errors.ts'
import { isFormat, utf8ByteLength, validateClock, validateDiscoverOptions, validateFormats, validateLimit, validateLocation, validateNamespace, validateNewRegistration, validatePeerId, validatePosition, validateSampleOptions, validateUpsertOptions } from '../src/validation.ts'
import { GOOD_REGISTRATION } from './fixtures/good-registration.ts'
import type { NewRegistration } from '../src/store.ts'

const good = GOOD_REGISTRATION

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

  it('rejects bad peer IDs with MalformedPeerIdError', () => {
    expect(() => { validatePeerId(good.peerId) }).to.not.throw()

    for (const bad of ['', 'x'.repeat(129), '\ud800', 5, null]) {
      expect(() => { validatePeerId(bad) }).to.throw(MalformedPeerIdError)
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
    expect(() => { validateNewRegistration({ ...good, peerId: '' }) }).to.throw(MalformedPeerIdError)

    const bad: Array<Partial<Record<keyof NewRegistration, unknown>>> = [
      { signedPeerRecord: new Uint8Array() },
      { signedPeerRecord: [1, 2] },
      { format: undefined },
      { format: '' },
      { format: 'Standard' },
      { format: 'x'.repeat(33) },
      { format: 'rust_legacy' },
      { format: 'wakü' },
      { format: 7 },
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

  it('accepts record formats of 1 to 32 bytes of [a-z0-9-] and nothing else', () => {
    for (const ok of ['standard', 'rust-legacy', 'waku', 'a', '0', '-', 'x'.repeat(32)]) {
      expect(isFormat(ok), ok).to.be.true()
      expect(() => { validateNewRegistration({ ...good, format: ok }) }, ok).to.not.throw()
    }

    for (const bad of ['', 'x'.repeat(33), 'Waku', 'rust_legacy', 'a b', 'a.b', 'é', 'waku\u0000', ' waku', 'waku\n', 1, null, undefined]) {
      expect(isFormat(bad), JSON.stringify(bad)).to.be.false()
    }

    expect(MAX_FORMAT_BYTES).to.equal(32)
  })

  it('accepts format filters that are arrays of formats, empty ones included', () => {
    for (const ok of [undefined, [], ['standard'], ['standard', 'waku', 'rust-legacy']]) {
      expect(() => { validateFormats(ok) }).to.not.throw()
      expect(() => { validateSampleOptions({ formats: ok }) }).to.not.throw()
      expect(() => { validateDiscoverOptions({ limit: 1, formats: ok }) }).to.not.throw()
    }

    for (const bad of ['standard', ['Standard'], [''], ['waku', 7], [null], {}, null]) {
      expect(() => { validateFormats(bad) }, JSON.stringify(bad)).to.throw(InvalidArgumentError)
      expect(() => { validateSampleOptions({ formats: bad as any }) }, JSON.stringify(bad)).to.throw(InvalidArgumentError)
      expect(() => { validateDiscoverOptions({ limit: 1, formats: bad as any }) }, JSON.stringify(bad)).to.throw(InvalidArgumentError)
    }

    expect(() => { validateSampleOptions(undefined) }).to.not.throw()
    expect(() => { validateSampleOptions(null as any) }).to.throw(InvalidArgumentError)
  })

  it('accepts registration limits that are non-negative integers or Infinity', () => {
    for (const ok of [undefined, 0, 1, 500, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY]) {
      expect(() => { validateUpsertOptions({ maxRegistrations: ok, maxRegistrationsPerPeer: ok }) }, String(ok)).to.not.throw()
    }

    for (const bad of [-1, 0.5, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53, '10', null]) {
      expect(() => { validateUpsertOptions({ maxRegistrations: bad as any }) }, String(bad)).to.throw(InvalidArgumentError)
      expect(() => { validateUpsertOptions({ maxRegistrationsPerPeer: bad as any }) }, String(bad)).to.throw(InvalidArgumentError)
    }

    expect(() => { validateUpsertOptions(undefined) }).to.not.throw()
    expect(() => { validateUpsertOptions({}) }).to.not.throw()
    expect(() => { validateUpsertOptions(5 as any) }).to.throw(InvalidArgumentError)
  })

  it('accepts a Buffer as the envelope', () => {
    expect(() => { validateNewRegistration({ ...good, signedPeerRecord: Buffer.from([1]) }) }).to.not.throw()
  })

  it('accepts a clock that is a function or absent, and a location that is a non-empty string; the rest with InvalidArgumentError', () => {
    for (const ok of [undefined, Date.now, () => 5]) {
      expect(() => { validateClock(ok) }).to.not.throw()
    }

    for (const bad of [5, 'now', null, {}]) {
      expect(() => { validateClock(bad) }, String(bad)).to.throw(InvalidArgumentError).with.property('message', 'The clock must be a function returning milliseconds since the epoch')
    }

    expect(() => { validateLocation('./registrations', 'The path') }).to.not.throw()

    for (const bad of ['', undefined, null, 7, ['a']]) {
      expect(() => { validateLocation(bad, 'The path of the store') }, String(bad)).to.throw(InvalidArgumentError).with.property('message', 'The path of the store must be a non-empty string')
    }
  })
})
