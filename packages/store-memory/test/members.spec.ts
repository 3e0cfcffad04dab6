import { expect } from 'aegir/chai'
import { Members } from '../src/members.ts'
import { entry, seeded } from './fixtures.ts'

function chiSquare (counts: number[]): number {
  const expected = counts.reduce((a, b) => a + b, 0) / counts.length
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0)
}

describe('Members', () => {
  it('keeps its arrays dense and in step through swap-removes', () => {
    const members = new Members()
    const entries = Array.from({ length: 10 }, (_, i) => entry(i + 1, 100))
    entries.forEach(e => { members.add(e) })
    members.remove(entries[0])
    members.remove(entries[9])
    members.remove(entries[4])
    expect(members.size).to.equal(7)

    const all = members.sample(100, 0, Math.random).map(r => r.position).sort((a, b) => a - b)
    expect(all).to.deep.equal([2, 3, 4, 6, 7, 8, 9])
    expect(entries[0].memberIndex).to.equal(-1)
  })

  it('sees refreshed registrations and expiries', () => {
    const members = new Members()
    const e = entry(1, 100)
    members.add(e)
    e.expiresAt = 50
    e.registration = Object.freeze({ ...e.registration, expiresAt: 50, position: 7 })
    members.updateRegistration(e)
    members.updateExpiry(e)
    expect(members.sample(1, 49, Math.random).map(r => r.position)).to.deep.equal([7])
    expect(members.sample(1, 50, Math.random)).to.deep.equal([])
  })

  it('samples uniformly by drawing, when few are expired', () => {
    const members = new Members()
    for (let i = 0; i < 200; i++) { members.add(entry(i, 100)) }
    const counts = new Array(200).fill(0)
    const random = seeded(3)

    for (let trial = 0; trial < 4000; trial++) {
      const sample = members.sample(10, 0, random)
      expect(new Set(sample).size).to.equal(10)
      for (const r of sample) { counts[r.position]++ }
    }

    // 199 degrees of freedom: mean 199, standard deviation 20; a bound far out in the tail
    expect(chiSquare(counts)).to.be.lessThan(320)
  })

  it('samples uniformly over the live ones when most are expired (the shuffle fallback)', () => {
    const members = new Members()
    // 190 expired, 10 live at scattered places
    for (let i = 0; i < 200; i++) { members.add(entry(i, i % 20 === 7 ? 100 : 1)) }
    const counts = new Map<number, number>()
    const random = seeded(4)

    for (let trial = 0; trial < 3000; trial++) {
      const sample = members.sample(3, 50, random)
      expect(sample).to.have.length(3)
      expect(new Set(sample).size).to.equal(3)
      for (const r of sample) { counts.set(r.position, (counts.get(r.position) ?? 0) + 1) }
    }

    expect([...counts.keys()].sort((a, b) => a - b)).to.deep.equal([7, 27, 47, 67, 87, 107, 127, 147, 167, 187])
    expect(chiSquare([...counts.values()])).to.be.lessThan(40)
  })

  it('returns every live one when the limit is large, and handles more than 64 draws', () => {
    const members = new Members()
    for (let i = 0; i < 1000; i++) { members.add(entry(i, i < 900 ? 100 : 1)) }
    expect(members.sample(2000, 50, Math.random)).to.have.length(900)
    const sample = members.sample(300, 50, seeded(5))
    expect(sample).to.have.length(300)
    expect(new Set(sample.map(r => r.position)).size).to.equal(300)
    expect(sample.every(r => r.position < 900)).to.be.true()
  })

  it('skips reading expiries when the caller says all are live', () => {
    const members = new Members()
    for (let i = 0; i < 100; i++) { members.add(entry(i, 100)) }
    const sample = members.sample(10, 0, seeded(7), true)
    expect(new Set(sample.map(r => r.position)).size).to.equal(10)
  })
})
