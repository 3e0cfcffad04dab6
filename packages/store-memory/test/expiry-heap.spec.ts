import { expect } from 'aegir/chai'
import { ExpiryHeap } from '../src/expiry-heap.ts'
import { entry, seeded } from './fixtures.ts'
import type { Entry } from '../src/entry.ts'

describe('ExpiryHeap', () => {
  it('pops entries in expiry order through pushes, updates and deletions', () => {
    const random = seeded(2)
    const heap = new ExpiryHeap()
    const inHeap = new Set<Entry>()

    for (let step = 0; step < 20_000; step++) {
      const r = random()

      if (inHeap.size === 0 || r < 0.5) {
        const e = entry(step, Math.floor(random() * 1000))
        heap.push(e)
        inHeap.add(e)
      } else if (r < 0.7) {
        const e = [...inHeap][Math.floor(random() * inHeap.size)]
        e.expiresAt = Math.floor(random() * 1000)
        heap.update(e)
      } else {
        const e = [...inHeap][Math.floor(random() * inHeap.size)]
        heap.delete(e)
        inHeap.delete(e)
        expect(e.heapIndex).to.equal(-1)
      }

      if (step % 500 === 0) {
        const now = Math.floor(random() * 1000)
        expect(heap.countDue(now)).to.equal([...inHeap].filter(e => e.expiresAt <= now).length)
        expect(heap.peek()?.expiresAt).to.equal(Math.min(...[...inHeap].map(e => e.expiresAt)))
      }
    }

    let last = -Infinity

    while (heap.size > 0) {
      const top = heap.peek() as Entry
      expect(top.expiresAt).to.be.at.least(last)
      last = top.expiresAt
      heap.delete(top)
    }
  })

  it('counts nothing due in an empty heap or before the first expiry', () => {
    const heap = new ExpiryHeap()
    expect(heap.countDue(1e15)).to.equal(0)
    heap.push(entry(1, 100))
    heap.push(entry(2, 100))
    expect(heap.countDue(99)).to.equal(0)
    expect(heap.countDue(100)).to.equal(2)
  })
})
