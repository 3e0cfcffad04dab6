import { check } from '../case.ts'
import { sortByKeyOrder } from '../responses.ts'
import { expectRegistered } from './register-discover.ts'
import type { CaseContext, Case } from '../case.ts'
import type { ClientPeer, DiscoveredPeer } from '../implementation.ts'

/** Register every client under `ns` at once; fails the case if one is refused */
export async function registerAll (clients: ClientPeer[], ns: string, ctx: CaseContext): Promise<void> {
  const results = await Promise.all(clients.map(async c => c.run([{ op: 'register', ns, ttl: 20 }], ctx)))
  results.forEach(([r], i) => { expectRegistered(r, 20, `registrant ${i + 1}`) })
}

/**
 * What a DISCOVER may return from a server with the biased sample of go-waku-rendezvous: some of the
 * registrants, at most two, always the one with the greatest key, and besides it only the smallest.
 *
 * @returns a description of the sample
 */
export function checkBiasedSample (found: DiscoveredPeer[], registrants: string[], limit: number): string {
  const ids = found.map(r => r.peerId)
  const order = sortByKeyOrder(registrants)
  const greatest = order[order.length - 1]
  const smallest = order[0]
  check(ids.every(id => registrants.includes(id)), `returned peers that did not register: ${ids.filter(id => !registrants.includes(id)).join(', ')}`)
  check(new Set(ids).size === ids.length, 'returned a peer twice')
  check(ids.length >= 1, 'returned nothing although peers were registered (did they expire first?)')
  check(ids.length <= Math.min(2, limit), `returned ${ids.length} registrations: the biased sample returns at most ${Math.min(2, limit)}`)
  check(ids.includes(greatest), 'the greatest peer ID is missing: the biased sample always returns it')
  check(ids.every(id => id === greatest || id === smallest), 'returned a registration other than the greatest and the smallest peer ID')
  return ids.length === 1 ? 'the greatest peer ID only' : 'the greatest and the smallest peer IDs'
}

const REGISTRANTS = 6

/** 6 peers in one namespace, DISCOVER limit 50: all 6, or the documented biased sample */
export const discoverSample: Case = {
  id: 'sampling',
  title: `discover returns every registrant (${REGISTRANTS} peers, limit 50)`,
  async run (ctx) {
    const registrants = await Promise.all(Array.from({ length: REGISTRANTS }, async () => ctx.newClient()))
    const discoverer = await ctx.newClient()
    await registerAll(registrants, 'crowd', ctx)
    const [result] = await discoverer.run([{ op: 'discover', ns: 'crowd', limit: 50 }], ctx)
    check(result?.ok === true && result.registrations != null, `DISCOVER failed: ${result?.error ?? result?.status}`)
    const ids = registrants.map(r => r.peerId)
    if (ctx.server.implementation.serverDeviations.has('biased-discover-sample')) {
      const shape = checkBiasedSample(result.registrations, ids, 50)
      return { verdict: 'deviation', detail: `${result.registrations.length} of ${REGISTRANTS}: ${shape}` }
    }
    const found = result.registrations.map(r => r.peerId).sort()
    check(found.length === REGISTRANTS && found.join() === [...ids].sort().join(), `returned ${found.length} of ${REGISTRANTS} registrants`)
    return { verdict: 'pass', detail: `all ${REGISTRANTS} returned` }
  }
}
