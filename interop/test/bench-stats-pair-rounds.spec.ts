import { expect } from 'aegir/chai'
import { ratioText } from '../bench/format.ts'
import { cell, cpuRatios, machineShares, median, mergePhases, phasesOf, ratios } from '../bench/stats.ts'
import type { PhaseResult, RunRecord } from '../bench/results.ts'
import type { TargetName } from '../bench/targets.ts'

/** A phase line as the load generator prints it */
function phase (name: string, figures: Partial<PhaseResult> = {}): PhaseResult {
  return {
    event: 'phase',
    name,
    concurrency: 16,
    ops: 1000,
    errors: 0,
    seconds: 1,
    opsPerSec: 1000,
    p50Ms: 5,
    p99Ms: 20,
    maxMs: 30,
    serverCpuSec: 0.5,
    serverPeakRssMiB: 100,
    serverRssMiB: 90,
    peakIsPhaseOnly: true,
    genCpuSec: 0.2,
    endedBy: 'ops',
    ...figures
  }
}

function run (target: TargetName, round: number, phases: PhaseResult[], session = 'storm-1k'): RunRecord {
  return { session, target, round, dialect: 'waku', phases, checks: [] }
}

const storm = { session: 'storm-1k', phase: 'storm' }

describe('bench:servers figures: rounds, waves and pairs', () => {
  it('counts the waves of one phase together: operations, seconds and CPU add up, the worst p99 stands', () => {
    const merged = mergePhases([
      phase('refresh', { ops: 1000, seconds: 1, serverCpuSec: 0.5, p99Ms: 20, maxMs: 30 }),
      phase('refresh', { ops: 3000, seconds: 2, serverCpuSec: 1, p99Ms: 50, maxMs: 40, errors: 2 })
    ])
    expect(merged).to.include({ ops: 4000, seconds: 3, serverCpuSec: 1.5, p99Ms: 50, maxMs: 40, errors: 2 })
    expect(merged.opsPerSec).to.be.closeTo(4000 / 3, 1e-9)
  })

  it('adds up the machine\'s busy and stolen CPU of waves, and tells how busy the cores were over phases, or nothing when no phase measured it', () => {
    const a = phase('storm', { seconds: 1, machineBusySec: 1.5, machineStealSec: 0.1, cores: 2 })
    const b = phase('storm', { seconds: 3, machineBusySec: 3.5, machineStealSec: 0.3, cores: 2 })
    expect(mergePhases([a, b])).to.include({ machineBusySec: 5, cores: 2 })
    expect(mergePhases([a, b]).machineStealSec).to.be.closeTo(0.4, 1e-9)
    // 5 busy seconds of 4 seconds on 2 cores; a phase of an older run (no machine figures) counts for nothing
    const shares = machineShares([a, b, phase('storm', { seconds: 10 })])
    expect(shares?.busy).to.be.closeTo(5 / 8, 1e-9)
    expect(shares?.steal).to.be.closeTo(0.4 / 8, 1e-9)
    expect(machineShares([phase('storm')])).to.equal(undefined)
  })

  it('takes a phase of a session and target by round, merging its waves and telling mixed phases apart by concurrency', () => {
    const records = [
      run('ts-memory', 1, [phase('storm', { ops: 100 }), phase('storm', { ops: 200 }), phase('mixed', { concurrency: 1 }), phase('mixed', { concurrency: 16, ops: 7 })]),
      run('ts-memory', 2, [phase('storm', { ops: 400 })]),
      run('ts-memory', 1, [phase('storm', { ops: 9999 })], 'storm-10k'),
      run('go', 1, [phase('storm', { ops: 9999 })])
    ]
    const byRound = phasesOf(records, storm, 'ts-memory')
    expect([...byRound.keys()]).to.deep.equal([1, 2])
    expect(byRound.get(1)?.ops).to.equal(300)
    expect(byRound.get(2)?.ops).to.equal(400)
    expect(phasesOf(records, { session: 'storm-1k', phase: 'mixed c=16' }, 'ts-memory').get(1)?.ops).to.equal(7)
  })

  it('pairs rounds by their number and leaves out a round that one side lacks', () => {
    const records = [
      run('go', 1, [phase('storm', { opsPerSec: 1000, p99Ms: 10, ops: 1000, serverCpuSec: 0.1 })]),
      run('ts-memory', 1, [phase('storm', { opsPerSec: 500, p99Ms: 40, ops: 1000, serverCpuSec: 0.5 })]),
      run('go', 2, [phase('storm', { opsPerSec: 2000, p99Ms: 10, ops: 1000, serverCpuSec: 0.2 })]),
      run('ts-memory', 2, [phase('storm', { opsPerSec: 500, p99Ms: 20, ops: 1000, serverCpuSec: 0.5 })]),
      run('ts-memory', 3, [phase('storm', { opsPerSec: 9999, p99Ms: 1, ops: 1000, serverCpuSec: 0.5 })])
    ]
    expect(ratios(records, storm, 'ts-memory')).to.deep.equal({ ops: [0.5, 0.25], p99: [4, 2] })
    expect(cpuRatios(records, storm, 'ts-memory', 'go')).to.deep.equal([0.2, 0.4])
    expect(ratioText([0.5, 0.25])).to.equal('0.38× (0.50, 0.25)')
    expect(ratioText([1.234])).to.equal('1.23×')
  })

  it('makes one cell of the rounds: medians, the largest maximum and peak, every error, and whether the envelopes ran out', () => {
    const c = cell([
      phase('storm', { opsPerSec: 100, maxMs: 10, serverPeakRssMiB: 50, errors: 1, backgroundErrors: 2 }),
      phase('storm', { opsPerSec: 300, maxMs: 90, serverPeakRssMiB: 70, endedBy: 'pool' }),
      phase('storm', { opsPerSec: 200, maxMs: 20, serverPeakRssMiB: 60, errors: 4 })
    ])
    expect(c).to.include({ rounds: 3, opsPerSec: 200, maxMs: 90, serverPeakRssMiB: 70, errors: 7, endedEarly: true, perCpuSecond: 2000 })
    expect(cell([])).to.equal(undefined)
    expect(median([])).to.be.NaN()
    expect(median([3, 1, NaN, 2, 4])).to.equal(2.5)
  })
})
