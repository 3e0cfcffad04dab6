import { expect } from 'aegir/chai'
import { storedRegistration } from '../src/registration.ts'
import type { NewRegistration } from '../src/store.ts'

const input: NewRegistration = {
  namespace: 'chat',
  peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
  signedPeerRecord: Uint8Array.of(1, 2, 3),
  format: 'standard',
  ttl: 7200,
  registeredAt: 1_700_000_000_000,
  expiresAt: 1_700_007_200_000
}

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
