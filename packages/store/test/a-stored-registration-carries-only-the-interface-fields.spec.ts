import { expect } from 'aegir/chai'
import { storedRegistration } from '../src/registration.ts'
import { GOOD_REGISTRATION } from './fixtures/good-registration.ts'
import type { NewRegistration } from '../src/store.ts'

const input = GOOD_REGISTRATION

describe('storedRegistration', () => {
  it('carries the fields of the interface and the position, in one order, and nothing the caller added', () => {
    const stored = storedRegistration({ ...input, extra: 'secret' } as NewRegistration, 42)

    expect(stored).to.deep.equal({ ...input, position: 42 })
    expect(Object.keys(stored)).to.deep.equal(['namespace', 'peerId', 'signedPeerRecord', 'format', 'ttl', 'registeredAt', 'expiresAt', 'position'])
    expect(stored.signedPeerRecord).to.equal(input.signedPeerRecord)
  })

  it('carries the adapter\'s own copy of the envelope when given one', () => {
    const copy = Uint8Array.of(1, 2, 3)

    expect(storedRegistration(input, 1, copy).signedPeerRecord).to.equal(copy)
  })
})
