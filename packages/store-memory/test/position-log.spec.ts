import { expect } from 'aegir/chai'
import { CHUNK_SIZE, PositionLog } from '../src/position-log.ts'
import { entry, seeded } from './fixtures.ts'
import type { Entry } from '../src/entry.ts'

function after (log: PositionLog, position: number, limit = Number.MAX_SAFE_INTEGER): number[] {
  const seen: number[] = []
  log.forEachAfter(position, e => {
    seen.push(e.position)
    return seen.length < limit
  })
  return seen
}

describe('PositionLog', () => {
  it('an empty log visits nothing', () => {
    const log = new PositionLog()
    expect(after(log, 0)).to.deep.equal([])
    expect(log.size).to.equal(0)
  })

  it('visits entries after a position, in order, across chunk boundaries', () => {
    const log = new PositionLog()
    const entries = Array.from({ length: CHUNK_SIZE * 3 + 7 }, (_, i) => entry(i * 2 + 1))
    entries.forEach(e => { log.append(e) })

    expect(after(log, 0)).to.have.length(entries.length)
    expect(after(log, CHUNK_SIZE * 2 - 1, 3)).to.deep.equal([CHUNK_SIZE * 2 + 1, CHUNK_SIZE * 2 + 3, CHUNK_SIZE * 2 + 5])
    // an even position falls between two entries
    expect(after(log, CHUNK_SIZE * 2, 2)).to.deep.equal([CHUNK_SIZE * 2 + 1, CHUNK_SIZE * 2 + 3])
    // the last position of a chunk, and the first of the next
    const lastOfFirst = entries[CHUNK_SIZE - 1].position
    expect(after(log, lastOfFirst, 1)).to.deep.equal([entries[CHUNK_SIZE].position])
    expect(after(log, lastOfFirst - 1, 1)).to.deep.equal([lastOfFirst])
    expect(after(log, entries[entries.length - 1].position)).to.deep.equal([])
    expect(after(log, 1e9)).to.deep.equal([])
  })

  it('stays consistent through random appends and deletions', () => {
    const random = seeded(1)
    const log = new PositionLog()
    const live = new Map<number, Entry>()
    let position = 0

    for (let step = 0; step < 20_000; step++) {
      if (live.size === 0 || random() < 0.55) {
        const e = entry(position += 1 + Math.floor(random() * 3))
        log.append(e)
        live.set(e.position, e)
      } else {
        // delete mostly old entries, sometimes new ones, like expiry and refreshes do
        const keys = [...live.keys()]
        const pick = random() < 0.7 ? keys[Math.floor(random() * Math.min(keys.length, 50))] : keys[Math.floor(random() * keys.length)]
        log.delete(live.get(pick) as Entry)
        live.delete(pick)
      }

      if (step % 1000 === 0) {
        log.shape()
        const sorted = [...live.keys()].sort((a, b) => a - b)
        expect(after(log, 0)).to.deep.equal(sorted)
        const from = sorted[Math.floor(sorted.length / 2)] ?? 0
        expect(after(log, from, 10)).to.deep.equal(sorted.filter(p => p > from).slice(0, 10))
      }
    }

    expect(log.size).to.equal(live.size)
  })

  it('keeps chunks at least half full, so a read visits O(limit) slots', () => {
    const log = new PositionLog()
    const entries = Array.from({ length: CHUNK_SIZE * 20 }, (_, i) => entry(i + 1))
    entries.forEach(e => { log.append(e) })

    // delete all but every tenth: a refresh-heavy history
    entries.forEach((e, i) => { if (i % 10 !== 0) { log.delete(e) } })

    const shape = log.shape()
    expect(log.size).to.equal(CHUNK_SIZE * 2)
    expect(shape.every(chunk => chunk.holes * 2 <= chunk.slots)).to.be.true()
    expect(shape.length).to.be.at.most(5)

    let visited = 0
    log.forEachAfter(0, () => ++visited < 100)
    expect(visited).to.equal(100)
  })

  it('drops a chunk that empties, and deleting everything leaves an empty log that takes appends', () => {
    const log = new PositionLog()
    const entries = Array.from({ length: CHUNK_SIZE * 2 }, (_, i) => entry(i + 1))
    entries.forEach(e => { log.append(e) })
    entries.forEach(e => { log.delete(e) })
    expect(log.shape()).to.deep.equal([])
    expect(after(log, 0)).to.deep.equal([])

    log.append(entry(10_000))
    expect(after(log, 0)).to.deep.equal([10_000])
  })

  it('refuses to delete an entry it does not hold', () => {
    const log = new PositionLog()
    log.append(entry(1))
    expect(() => { log.delete(entry(1)) }).to.throw(/out of step/)
  })
})
