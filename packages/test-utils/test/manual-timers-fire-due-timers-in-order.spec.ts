import { expect } from 'aegir/chai'
import { ManualTimers } from '../src/index.ts'

describe('manual timers fire the timers due, in order, only when the clock is advanced', () => {
  it('fires nothing before a timer is due, then fires it with the clock at its due time', () => {
    const clock = new ManualTimers(1000)
    const seen: number[] = []
    clock.setTimeout(() => { seen.push(clock.now) }, 500)
    expect(clock.advance(499)).to.equal(0)
    expect(seen).to.deep.equal([])
    expect(clock.advance(1)).to.equal(1)
    expect(seen).to.deep.equal([1500])
    expect(clock.clock()).to.equal(1500)
  })

  it('fires timers in the order they are due, those due together in the order they were set', () => {
    const clock = new ManualTimers(0)
    const order: string[] = []
    clock.setTimeout(() => { order.push('c') }, 300)
    clock.setTimeout(() => { order.push('a') }, 100)
    clock.setTimeout(() => { order.push('b1') }, 200)
    clock.setTimeout(() => { order.push('b2') }, 200)
    expect(clock.pending).to.deep.equal([100, 200, 200, 300])
    expect(clock.advance(1000)).to.equal(4)
    expect(order).to.deep.equal(['a', 'b1', 'b2', 'c'])
    expect(clock.now).to.equal(1000)
  })

  it('fires a timer a callback sets when it falls due within the same advance, and not one beyond it', () => {
    const clock = new ManualTimers(0)
    const at: number[] = []
    const tick = (): void => {
      at.push(clock.now)
      clock.setTimeout(tick, 300)
    }
    clock.setTimeout(tick, 300)
    expect(clock.advance(1000)).to.equal(3)
    expect(at).to.deep.equal([300, 600, 900])
    expect(clock.pending).to.deep.equal([200])
  })

  it('forgets a cleared timer', () => {
    const clock = new ManualTimers(0)
    let fired = false
    const handle = clock.setTimeout(() => { fired = true }, 10)
    clock.clearTimeout(handle)
    clock.clearTimeout(undefined)
    expect(clock.advance(100)).to.equal(0)
    expect(fired).to.equal(false)
  })

  it('tells a test when a timer of a given delay is set', async () => {
    const clock = new ManualTimers(0)
    const set = clock.timerSet(delay => delay === 250)
    clock.setTimeout(() => {}, 100)
    clock.setTimeout(() => {}, 250)
    await set
    expect(clock.pending).to.deep.equal([100, 250])
    await expect(clock.timerSet(delay => delay === 1, { timeout: 20, what: 'a 1 ms timer' })).to.eventually.be.rejected.with.property('name', 'WaitTimeoutError')
  })
})
