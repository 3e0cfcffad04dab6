import { expect } from 'aegir/chai'
import { onShutdownSignal, REPEAT_SIGNAL_WINDOW_MS } from '../src/signals.ts'
import type { ShutdownSignal } from '../src/signals.ts'

describe('shutdown signals', () => {
  it('calls the first handler once, and the repeat handler for every later SIGINT or SIGTERM', () => {
    const first: ShutdownSignal[] = []
    const repeats: ShutdownSignal[] = []
    let clock = 1000
    const remove = onShutdownSignal(s => first.push(s), s => repeats.push(s), () => clock)
    try {
      // emit runs the listeners without signalling the test process
      process.emit('SIGTERM')
      clock += REPEAT_SIGNAL_WINDOW_MS + 1
      process.emit('SIGINT')
      process.emit('SIGTERM')
    } finally {
      remove()
    }
    expect(first).to.deep.equal(['SIGTERM'])
    expect(repeats).to.deep.equal(['SIGINT', 'SIGTERM'])
  })

  it('takes a second signal within the window for the same Ctrl-C (the process group and pnpm both deliver it)', () => {
    const first: ShutdownSignal[] = []
    const repeats: ShutdownSignal[] = []
    let clock = 1000
    const remove = onShutdownSignal(s => first.push(s), s => repeats.push(s), () => clock)
    try {
      process.emit('SIGINT')
      clock += 5
      process.emit('SIGINT')
    } finally {
      remove()
    }
    expect(first).to.deep.equal(['SIGINT'])
    expect(repeats).to.deep.equal([])
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
