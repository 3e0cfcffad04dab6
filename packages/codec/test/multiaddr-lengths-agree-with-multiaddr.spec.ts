import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { encode as encodeVarint } from 'uint8-varint'
import { multiaddrByteLength } from '../src/multiaddr-length.ts'

/** A protobuf varint's bytes */
function varint (n: number): number[] {
  return [...encodeVarint(n)]
}

/** `multiaddr(bytes).bytes.byteLength`, or the error's name and message */
function reference (bytes: Uint8Array): number | string {
  try {
    return multiaddr(bytes).bytes.byteLength
  } catch (err: any) {
    return `${err.name}: ${err.message}`
  }
}

function light (bytes: Uint8Array): number | string {
  try {
    return multiaddrByteLength(bytes)
  } catch (err: any) {
    return `${err.name}: ${err.message}`
  }
}

// ip4, tcp, udp, dccp, ip6, sctp (fixed sizes); dns4, p2p, certhash (variable); tls, quic-v1, ws, webtransport,
// p2p-circuit, webrtc-direct (valueless); 0x3fff and 0x7f (unknown)
const CODES = [4, 6, 273, 33, 41, 132, 54, 421, 466, 448, 461, 477, 465, 290, 280, 0x3fff, 0x7f]

describe('multiaddr lengths agree with multiaddr()', () => {
  it('for random components of known, valueless and unknown protocols with random values', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom(...CODES), fc.uint8Array({ maxLength: 20 }), fc.boolean()), { maxLength: 5 }),
      fc.nat({ max: 3 }),
      (components, cut) => {
        // each component: its code, then either raw bytes (any length) or a length-prefixed value
        const bytes = Uint8Array.from(components.flatMap(([code, value, prefixed]) => [...varint(code), ...(prefixed ? varint(value.byteLength) : []), ...value]))
        // sometimes cut short, as a view of a larger buffer (multiaddr reads ports through the whole buffer)
        const view = bytes.subarray(0, Math.max(0, bytes.byteLength - cut))
        expect(light(view)).to.equal(reference(view))
      }), { numRuns: 3000 })
  })

  it('for every value of the fixed-size protocols taken without parsing', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 65535 }), (ip6, port) => {
      const bytes = Uint8Array.from([41, ...ip6, ...varint(273), port >> 8, port & 0xff, ...varint(461), 4, ...ip6.subarray(0, 4), 6, port >> 8, port & 0xff])
      expect(light(bytes)).to.equal(bytes.byteLength)
      expect(reference(bytes)).to.equal(bytes.byteLength)
    }), { numRuns: 2000 })
  })

  it('for a protocol code written in more bytes than it needs (which multiaddr() misreads)', () => {
    const bytes = Uint8Array.from([0x84, 0x00, 127, 0, 0, 1])
    expect(light(bytes)).to.equal(reference(bytes))
  })

  it('for the empty multiaddr', () => {
    expect(light(new Uint8Array(0))).to.equal(reference(new Uint8Array(0)))
  })
})
