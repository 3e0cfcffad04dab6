import { ManualTimers } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { delay, realTimers, timeoutSignal } from '../src/time.ts'

describe('time runs on the injected timers', () => {
  it('a timeout signal aborts with a TimeoutError when its timers reach it, not before', () => {
    const clock = new ManualTimers()
    const { signal } = timeoutSignal(clock, 300)
    clock.advance(299)
    expect(signal.aborted).to.equal(false)
    clock.advance(1)
    expect(signal.reason).to.have.property('name', 'TimeoutError')
  })

  it('a disposed timeout signal leaves no timer behind and never aborts', () => {
    const clock = new ManualTimers()
    const timeout = timeoutSignal(clock, 300)
    timeout.dispose()
    expect(clock.pending).to.deep.equal([])
    clock.advance(1000)
    expect(timeout.signal.aborted).to.equal(false)
  })

  it('a delay ends when its timers reach it, or at once when its signal aborts', async () => {
    const clock = new ManualTimers()
    const waited = delay(clock, 500, new AbortController().signal)
    expect(clock.pending).to.deep.equal([500])
    clock.advance(500)
    await waited

    const controller = new AbortController()
    const aborted = delay(clock, 500, controller.signal)
    controller.abort()
    await aborted
    expect(clock.pending).to.deep.equal([])
  })

  it('the real timers fire, and are unref\'ed so that a refresh due later does not keep Node.js running', async () => {
    const handle = realTimers.setTimeout(() => {}, 3_600_000)
    expect((handle as { hasRef(): boolean }).hasRef()).to.equal(false)
    realTimers.clearTimeout(handle)
    realTimers.clearTimeout(undefined)
    await new Promise<void>(resolve => { realTimers.setTimeout(resolve, 0) })
  })
})
