import { WAKU_V1_PROTOCOL } from '@rendezvous/codec'
import { CaseFailure, check } from '../../case.ts'
import { expectDiscovered, recordFormatOf } from './attempt.ts'
import type { Case, CaseContext } from '../../case.ts'
import type { ClientPeer, Implementation } from '../../implementation.ts'

/** A client registered in a namespace, with the format its record is in */
export interface Registrant {
  label: string
  client: ClientPeer
  format: string
}

/** This repository's implementation among the run's */
export function tsOf (ctx: CaseContext): Implementation {
  const ts = ctx.implementations.find(i => i.name === 'ts')
  if (ts == null) {
    throw new CaseFailure('the run has no ts implementation')
  }
  return ts
}

/**
 * Register each client in `ns` and return the ones the server accepted. A registrant whose format the
 * server does not read must be refused: with 101, or without an answer where that is documented.
 */
export async function registerMixed (ctx: CaseContext, ns: string, registrants: Registrant[]): Promise<{ accepted: Registrant[], notes: string[] }> {
  const server = ctx.server.implementation
  const results = await Promise.all(registrants.map(async r => (await r.client.run([{ op: 'register', ns, ttl: 7200 }], ctx))[0]))
  const accepted: Registrant[] = []
  const notes: string[] = []
  registrants.forEach((r, i) => {
    const result = results[i]
    if (server.serverReads.includes(r.format)) {
      check(result?.ok === true, `${r.label} (${r.format}) was refused: ${result?.status ?? ''} ${result?.error ?? ''}`)
      accepted.push(r)
      return
    }
    check(result?.ok !== true, `${r.label}: the server accepted a ${r.format} record it is not known to read`)
    if (server.serverDeviations.has('rust-legacy-records-only')) {
      check(result?.status == null || result.status === 400, `${r.label} (${r.format}): answered ${result?.status}, the documented end without an answer was not observed`)
      notes.push(`${r.label} ${r.format}: no answer`)
    } else {
      check(result?.status === 101, `${r.label} (${r.format}): ${result?.status ?? result?.error}, expected 101`)
      notes.push(`${r.label} ${r.format}: 101`)
    }
  })
  return { accepted, notes }
}

/**
 * What `discoverer` finds in `ns` must be exactly the accepted registrants whose format its
 * implementation reads: a page it can read whole, with every peer it can read.
 */
export async function expectReadablePage (ctx: CaseContext, ns: string, discoverer: { label: string, client: ClientPeer, implementation: Implementation }, accepted: Registrant[]): Promise<string> {
  const [result] = await discoverer.client.run([{ op: 'discover', ns, limit: 100 }], ctx)
  const found = expectDiscovered(result, `${discoverer.label}'s DISCOVER`)
  check(result?.skipped == null || result.skipped === 0, `${discoverer.label} was served ${result?.skipped} record(s) it cannot read`)
  const reads = discoverer.implementation.client.reads
  const expected = accepted.filter(r => reads.includes(r.format)).map(r => r.client.peerId).sort()
  const got = found.map(r => r.peerId).sort()
  const label = (id: string): string => accepted.find(r => r.client.peerId === id)?.label ?? id
  check(got.join() === expected.join(), `${discoverer.label} found [${got.map(label).join(', ')}], expected [${expected.map(label).join(', ')}]`)
  for (const registration of found) {
    const format = await recordFormatOf(registration, discoverer.label)
    check(reads.includes(format), `${discoverer.label} was served a ${format} record`)
  }
  return `${discoverer.label} found ${got.map(label).join(' + ') || 'none'}`
}

/**
 * Standard and rust-legacy registrations in one namespace (this repository's client, once in each format,
 * and a foreign pair's client in its own), and at our point a waku one over nwaku's dialect; a client of the pair's client implementation discovers it and
 * gets a page it can read, with every peer it can read.
 */
export const mixedFormatNamespace: Case = {
  id: 'v1-mixed-formats',
  title: 'mixed-format namespace: each client gets a page it can read',
  async run (ctx) {
    const ts = tsOf(ctx)
    const registrants: Registrant[] = [
      { label: 'ts-standard', client: await ctx.newClientOf(ts, { recordFormat: 'standard' }), format: 'standard' },
      { label: 'ts-rust-legacy', client: await ctx.newClientOf(ts, { recordFormat: 'rust-legacy' }), format: 'rust-legacy' }
    ]
    // a foreign client registers in the one format it seals (ours are the two above)
    if (ctx.pair.client !== ts) {
      registrants.push({ label: ctx.pair.client.name, client: await ctx.newClient(), format: ctx.pair.client.client.seals })
    }
    const { accepted, notes } = await registerMixed(ctx, 'v1-mixed', registrants)
    if (ctx.server.implementation === ts) {
      // our point also holds nwaku's records in the namespace, registered over nwaku's dialect: no 1.0.0
      // client may be served one it cannot read (rust-libp2p fails a whole page on one)
      const waku: Registrant = { label: 'ts-waku', client: await ctx.newClientOf(ts, { recordFormat: 'waku', dialect: WAKU_V1_PROTOCOL }), format: 'waku' }
      const [result] = await waku.client.run([{ op: 'register', ns: 'v1-mixed', ttl: 7200 }], ctx)
      check(result?.ok === true, `ts-waku (waku over ${WAKU_V1_PROTOCOL}) was refused: ${result?.status ?? ''} ${result?.error ?? ''}`)
      accepted.push(waku)
    }
    const page = await expectReadablePage(ctx, 'v1-mixed', { label: `a ${ctx.pair.client.name} client`, client: await ctx.newClient(), implementation: ctx.pair.client }, accepted)
    const refusedSilently = notes.some(n => n.endsWith('no answer'))
    return { verdict: refusedSilently ? 'deviation' : 'pass', detail: [...notes.map(n => `refused ${n}`), page].join('; ') }
  }
}
