import { expect } from 'aegir/chai'
import { RefreshSchedule } from '../src/refresh-schedule.ts'

describe('the refresh schedule', () => {
  const schedule = new RefreshSchedule({ random: () => 0.5 })

  it('renews a 20 s TTL 4 s early and a 2 h TTL 60 s early', () => {
    expect(schedule.refreshDelay(20)).to.equal(16_000)
    expect(schedule.refreshDelay(7200)).to.equal(7_140_000)
    expect(schedule.refreshDelay(72 * 3600)).to.equal(72 * 3600_000 - 60_000)
    expect(schedule.refreshDelay(1)).to.equal(800)
  })

  it('never schedules in the past', () => {
    expect(schedule.refreshDelay(0)).to.equal(0)
    expect(schedule.refreshDelay(-5)).to.equal(0)
  })

  it('doubles the retry delay per failure up to the cap, half of it jitter', () => {
    const low = new RefreshSchedule({ random: () => 0 })
    const high = new RefreshSchedule({ random: () => 0.999999 })
    expect([1, 2, 3, 4].map(n => low.backoffDelay(n))).to.deep.equal([500, 1000, 2000, 4000])
    expect(high.backoffDelay(1)).to.be.closeTo(1000, 1)
    expect(low.backoffDelay(100)).to.equal(150_000)
    expect(high.backoffDelay(100)).to.be.closeTo(300_000, 1)
  })

  it('takes its margins and backoff from options', () => {
    const custom = new RefreshSchedule({ marginFraction: 0.5, maxMargin: 1000, backoffInitial: 10, backoffMax: 40, random: () => 0 })
    expect(custom.refreshDelay(10)).to.equal(9000)
    expect(custom.refreshDelay(1)).to.equal(500)
    expect([1, 2, 3, 4].map(n => custom.backoffDelay(n))).to.deep.equal([5, 10, 20, 20])
  })
})
