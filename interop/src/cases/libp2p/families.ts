import { expectReadablePage, registerMixed, tsOf } from './mixed-formats.ts'
import type { Registrant } from './mixed-formats.ts'
import type { Case } from '../../case.ts'
import type { Implementation } from '../../implementation.ts'

const GO = 'go-libp2p-rendezvous'
const RUST = 'rust-libp2p'

/**
 * Through this repository's point: a Go peer, a rust peer and this repository's client (once in each
 * format) register in one namespace; the Go peer finds the standard records, the rust peer the
 * rust-legacy ones, this repository's client all of them.
 */
export const familiesThroughOurPoint: Case = {
  id: 'v1-families',
  title: 'a rust peer and a Go peer find the peers they can read through our point',
  // one cell per matrix: the foreign client's column, with this repository's point
  applies: (pair, implementations) => pair.server.name === 'ts' && pair.client.name !== 'ts' &&
    implementations.some(i => i.name === GO) && implementations.some(i => i.name === RUST),
  async run (ctx) {
    const ts = tsOf(ctx)
    const implementation = (name: string): Implementation => ctx.implementations.find(i => i.name === name) as Implementation
    const [go, rust] = [implementation(GO), implementation(RUST)]
    const registrants: Registrant[] = [
      { label: 'go', client: await ctx.newClientOf(go), format: go.client.seals },
      { label: 'rust', client: await ctx.newClientOf(rust), format: rust.client.seals },
      { label: 'ts-standard', client: await ctx.newClientOf(ts, { recordFormat: 'standard' }), format: 'standard' },
      { label: 'ts-rust-legacy', client: await ctx.newClientOf(ts, { recordFormat: 'rust-legacy' }), format: 'rust-legacy' }
    ]
    const { accepted } = await registerMixed(ctx, 'v1-families', registrants)
    const pages: string[] = []
    for (const [label, impl] of [['another go peer', go], ['another rust peer', rust], ['a ts client', ts]] as const) {
      pages.push(await expectReadablePage(ctx, 'v1-families', { label, client: await ctx.newClientOf(impl), implementation: impl }, accepted))
    }
    return { verdict: 'pass', detail: pages.join('; ') }
  }
}
