import { expect } from 'aegir/chai'
import { onShutdownSignal, REPEAT_SIGNAL_WINDOW_MS } from '../src/signals.ts'
import type { ShutdownSignal } from '../src/signals.ts'

/**
 * The signals each handler of {@link onShutdownSignal} was called with while `emit` ran; `emit` moves the
 * handlers' clock on with `advance`. `process.emit` runs the listeners without signalling the test process.
 */
function handled (emit: (advance: (ms: number) => void) => void): { first: ShutdownSignal[], repeats: ShutdownSignal[] } {
  const first: ShutdownSignal[] = []
  const repeats: ShutdownSignal[] = []
  let clock = 1000
  const remove = onShutdownSignal(s => first.push(s), s => repeats.push(s), () => clock)
  try {
    emit(ms => { clock += ms })
  } finally {
    remove()
  }
  return { first, repeats }
}

describe('shutdown signals', () => {
  it('calls the first handler once, and the repeat handler for every later SIGINT or SIGTERM', () => {
    const { first, repeats } = handled(advance => {
      process.emit('SIGTERM')
      advance(REPEAT_SIGNAL_WINDOW_MS + 1)
      process.emit('SIGINT')
      process.emit('SIGTERM')
    })
    expect(first).to.deep.equal(['SIGTERM'])
    expect(repeats).to.deep.equal(['SIGINT', 'SIGTERM'])
  })

  it('takes a second signal within the window for the same Ctrl-C (the process group and pnpm both deliver it)', () => {
    const { first, repeats } = handled(advance => {
      process.emit('SIGINT')
      advance(5)
      process.emit('SIGINT')
    })
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
