import { rendezvous } from '@rendezvous/codec'
import { expect } from 'aegir/chai'
import { CASES } from '../src/cases/index.ts'
import { LIBP2P_CASES } from '../src/cases/libp2p/index.ts'
import { livingChildren } from '../src/json-lines-process.ts'
import { runCell, runMatrix } from '../src/matrix.ts'
import { tsImplementation } from '../src/ts-peer.ts'
import type { Case } from '../src/case.ts'

/**
 * The control column without Go or Rust: every case of both matrices' dialects, TS client against TS server,
 * on real libp2p nodes over 127.0.0.1. The foreign columns run in `pnpm test:interop` only.
 */
describe('the matrix, TS client → TS server', function () {
  this.timeout(120_000)
  const ts = tsImplementation()

  it('passes every case but the one the TS server declares a deviation for', async () => {
    const cells = await runMatrix({ pairs: [{ client: ts, server: ts }], cases: CASES, opTimeout: 10_000 })
    const failed = cells.filter(c => c.verdict === 'FAIL').map(c => `${c.caseId}: ${c.detail}`)
    expect(failed).to.deep.equal([])
    expect(cells.filter(c => c.verdict === 'deviation').map(c => c.caseId)).to.deep.equal(['accept-ns-256'])
    expect(cells).to.have.lengthOf(CASES.length)
    expect(livingChildren()).to.equal(0)
  })

  it('passes every /rendezvous/1.0.0 case (the rows that bring in Go and Rust clients have no cell)', async function () {
    this.timeout(180_000)
    const tsV1 = tsImplementation({ dialect: rendezvous })
    const cells = await runMatrix({ pairs: [{ client: tsV1, server: tsV1 }], cases: LIBP2P_CASES, opTimeout: 10_000 })
    const failed = cells.filter(c => c.verdict !== 'pass').map(c => `${c.caseId}: ${c.verdict} ${c.detail}`)
    expect(failed).to.deep.equal([])
    expect(cells.map(c => c.caseId)).to.deep.equal(LIBP2P_CASES.filter(c => c.id !== 'v1-families').map(c => c.id))
    expect(livingChildren()).to.equal(0)
  })

  it('records a case that throws as FAIL with its message, and stops what it started', async () => {
    let stopped = false
    const throwing: Case = {
      id: 'throws',
      title: 'throws',
      async run (ctx) {
        const client = await ctx.newClient()
        const stop = client.stop
        client.stop = async () => { stopped = true; await stop() }
        throw new Error('boom')
      }
    }
    const cell = await runCell(throwing, { client: ts, server: ts }, { opTimeout: 1_000, caseTimeout: 5_000 })
    expect(cell).to.include({ verdict: 'FAIL', detail: 'Error: boom', pair: 'ts → ts' })
    expect(stopped).to.equal(true)
  })

  it('records a case that hangs as FAIL once its bound is up', async () => {
    const hanging: Case = { id: 'hangs', title: 'hangs', run: async () => new Promise(() => {}) }
    const cell = await runCell(hanging, { client: ts, server: ts }, { opTimeout: 1_000, caseTimeout: 300 })
    expect(cell.verdict).to.equal('FAIL')
    expect(cell.detail).to.match(/longer than 300 ms/)
  })
})
