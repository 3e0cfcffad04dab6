import { expect } from 'aegir/chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { rendezvous, wakuV0 } from '../src/index.ts'

const u8 = (...b: number[]): Uint8Array => Uint8Array.from(b)

// The Go reference answers "missing signed peer record" when the field is absent and "invalid peer
// record" when it is present but empty: a point can only do the same if decoding keeps the difference.
describe('an absent signed peer record and an empty one decode differently', () => {
  it('0.0.1: absent is undefined, `12 00` is an empty array', () => {
    // REGISTER { ns "a" }
    expect(wakuV0.decode(u8(0x12, 0x03, 0x0a, 0x01, 0x61))).to.have.property('signedPeerRecord', undefined)
    // REGISTER { ns "a", signedPeerRecord "" }
    const present = wakuV0.decode(u8(0x12, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00))
    expect(present).to.have.property('signedPeerRecord').that.is.instanceOf(Uint8Array).with.lengthOf(0)
  })

  it('1.0.0: absent is undefined, `12 00` is an empty array', () => {
    expect(rendezvous.decode(u8(0x08, 0x00, 0x12, 0x03, 0x0a, 0x01, 0x61))).to.have.property('signedPeerRecord', undefined)
    const present = rendezvous.decode(u8(0x08, 0x00, 0x12, 0x05, 0x0a, 0x01, 0x61, 0x12, 0x00))
    expect(present).to.have.property('signedPeerRecord').that.is.instanceOf(Uint8Array).with.lengthOf(0)
  })

  it('0.0.1: never writes an empty record, as Go does not', () => {
    const withEmpty = wakuV0.encode({ type: 'REGISTER', ns: 'a', signedPeerRecord: new Uint8Array(0), ttl: 0 })
    const without = wakuV0.encode({ type: 'REGISTER', ns: 'a', ttl: 0 })
    expect(uint8ArrayToString(withEmpty, 'base16')).to.equal('12030a0161')
    expect(withEmpty).to.deep.equal(without)
  })
})
