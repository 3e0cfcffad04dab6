import { expect } from 'aegir/chai'
import { COMPACT_BELOW, EnvelopeArena, LARGE_ENVELOPE_BYTES, SLAB_BYTES } from '../src/envelope-arena.ts'
import { entry, seeded } from './fixtures.ts'
import type { Entry } from '../src/entry.ts'

function bytes (seed: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff)
}

describe('EnvelopeArena', () => {
  it('copies envelopes into shared slabs and keeps their bytes through compaction', () => {
    const random = seeded(6)
    const moved: Entry[] = []
    const arena = new EnvelopeArena(e => { moved.push(e) })
    const live = new Map<Entry, Uint8Array>()

    const put = (e: Entry, content: Uint8Array): void => {
      const copy = arena.store(e, content)
      e.registration = Object.freeze({ ...e.registration, signedPeerRecord: copy })
      live.set(e, content)
    }

    for (let i = 0; i < 30_000; i++) {
      if (live.size > 0 && random() < 0.45) {
        const victim = [...live.keys()][Math.floor(random() * Math.min(live.size, 200))]
        arena.release(victim)
        live.delete(victim)
      } else {
        put(entry(i), bytes(i, 50 + Math.floor(random() * 300)))
      }
    }

    expect(moved.length).to.be.greaterThan(0, 'some compaction happened')

    let liveBytes = 0
    for (const [e, content] of live) {
      expect(e.registration.signedPeerRecord).to.deep.equal(content)
      liveBytes += content.byteLength
    }

    // slab memory stays within COMPACT_BELOW times the live bytes, plus the slab being filled
    expect(arena.slabs * SLAB_BYTES).to.be.at.most(liveBytes * COMPACT_BELOW + 2 * SLAB_BYTES)
  })

  it('the copy does not share memory with the source', () => {
    const arena = new EnvelopeArena(() => {})
    const source = bytes(1, 170)
    const e = entry(1)
    const copy = arena.store(e, source)
    source.fill(0)
    expect(copy).to.deep.equal(bytes(1, 170))
  })

  it('gives large envelopes a buffer of their own', () => {
    const arena = new EnvelopeArena(() => {})
    const e = entry(1)
    const copy = arena.store(e, bytes(2, LARGE_ENVELOPE_BYTES + 1))
    e.registration = Object.freeze({ ...e.registration, signedPeerRecord: copy })
    expect(e.slab).to.equal(undefined)
    expect(copy.byteOffset).to.equal(0)
    expect(copy.buffer.byteLength).to.equal(LARGE_ENVELOPE_BYTES + 1)
    arena.release(e)
  })

  it('lets slabs go when everything in them is released', () => {
    const arena = new EnvelopeArena(() => {})
    const entries = Array.from({ length: 5000 }, (_, i) => entry(i))
    entries.forEach((e, i) => {
      e.registration = Object.freeze({ ...e.registration, signedPeerRecord: arena.store(e, bytes(i, 170)) })
    })
    expect(arena.slabs).to.be.greaterThan(2)
    entries.forEach(e => { arena.release(e) })
    expect(arena.slabs).to.equal(1)
  })

  it('replace keeps the copy an entry holds for the same bytes, and copies different bytes in its place', () => {
    const arena = new EnvelopeArena(() => {})
    const e = entry(1)
    const first = arena.store(e, bytes(3, 170))
    e.registration = Object.freeze({ ...e.registration, signedPeerRecord: first })

    const same = bytes(3, 170)
    const kept = arena.replace(e, same)
    expect(kept).to.equal(first, 'the same copy, not a new one')
    same.fill(0)
    expect(kept).to.deep.equal(bytes(3, 170), 'it does not share memory with the source')

    for (const other of [bytes(4, 170), bytes(3, 171), bytes(5, LARGE_ENVELOPE_BYTES + 1)]) {
      const source = other.slice()
      const copy = arena.replace(e, source)
      e.registration = Object.freeze({ ...e.registration, signedPeerRecord: copy })
      expect(copy).to.not.equal(source)
      source.fill(0)
      expect(copy).to.deep.equal(other)
    }
    arena.release(e)
    expect(arena.slabs).to.equal(1)
  })
})
