import { expect } from 'aegir/chai'
import { onShutdownSignal } from '../src/signals.ts'
import type { ShutdownSignal } from '../src/signals.ts'

describe('shutdown signals', () => {
  it('calls the first handler once, and the repeat handler for every later SIGINT or SIGTERM', () => {
    const first: ShutdownSignal[] = []
    const repeats: ShutdownSignal[] = []
    const remove = onShutdownSignal(s => first.push(s), s => repeats.push(s))
    try {
      // emit runs the listeners without signalling the test process
      process.emit('SIGTERM')
      process.emit('SIGINT')
      process.emit('SIGTERM')
    } finally {
      remove()
    }
    expect(first).to.deep.equal(['SIGTERM'])
    expect(repeats).to.deep.equal(['SIGINT', 'SIGTERM'])
  })

  it('removes its handlers', () => {
    const before = process.listenerCount('SIGTERM')
    const remove = onShutdownSignal(() => {}, () => {})
    expect(process.listenerCount('SIGTERM')).to.equal(before + 1)
    expect(process.listenerCount('SIGINT')).to.be.greaterThan(0)
    remove()
    expect(process.listenerCount('SIGTERM')).to.equal(before)
  })
})
