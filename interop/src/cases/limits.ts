import { check } from '../case.ts'
import { checkBiasedSample, registerAll } from './sampling.ts'
import type { Case, CaseContext } from '../case.ts'
import type { ClientOpResult, ClientPeer } from '../implementation.ts'

const REGISTRANTS = 3
/** Limits the protocol reads as "the maximum" (1000 in 0.0.1) */
const MAXIMUM_LIMITS = [0, 1000, -1]
/** Milliseconds a server with the quadratic sampler gets to answer a maximum-limit DISCOVER */
const QUADRATIC_BOUND = 5_000

interface Step { limit: number, note: string, deviation: boolean }

function judge (ctx: CaseContext, limit: number, result: ClientOpResult | undefined, registrants: string[]): Step {
  const deviations = ctx.server.implementation.serverDeviations
  const expected = limit === 1 ? 1 : REGISTRANTS
  if (MAXIMUM_LIMITS.includes(limit) && deviations.has('quadratic-discover-limit') && result?.ok !== true) {
    // no answer in time is the documented cost; a refusal with a status would be something else
    check(result?.status == null, `limit ${limit}: refused with status ${result?.status} "${result?.statusText}"`)
    return { limit, note: `${limit}: no answer in ${QUADRATIC_BOUND / 1000} s`, deviation: true }
  }
  check(result?.ok === true && result.registrations != null, `limit ${limit}: DISCOVER failed (${result?.status ?? result?.error})`)
  const found = result.registrations
  if (deviations.has('biased-discover-sample') && found.length < expected) {
    checkBiasedSample(found, registrants, limit <= 0 || limit >= 1000 ? 1000 : limit)
    return { limit, note: `${limit}: ${found.length}/${REGISTRANTS}`, deviation: true }
  }
  check(found.length === expected, `limit ${limit}: ${found.length} registrations, expected ${expected}`)
  check(found.every(r => registrants.includes(r.peerId)), `limit ${limit}: returned a peer that did not register`)
  if (deviations.has('biased-discover-sample')) {
    // one result is what the protocol asks for, but it must still be the sample's usual pick
    checkBiasedSample(found, registrants, limit)
    return { limit, note: `${limit}: ${found.length} (the greatest peer ID)`, deviation: false }
  }
  return { limit, note: `${limit}: ${found.length}`, deviation: false }
}

async function discover (client: ClientPeer, limit: number, opTimeout: number): Promise<ClientOpResult | undefined> {
  const [result] = await client.run([{ op: 'discover', ns: 'limits', limit }], { opTimeout })
  return result
}

/**
 * DISCOVER limits 1 and 50 among 3 registrants, then 0, 1000 and -1, which 0.0.1 reads as 1000. The
 * registrations are renewed before each round, for servers that forget them within a second.
 */
export const discoverLimits: Case = {
  id: 'limits',
  title: 'limit semantics (0, 1, 50, 1000, -1)',
  async run (ctx) {
    const registrants = await Promise.all(Array.from({ length: REGISTRANTS }, async () => ctx.newClient()))
    const ids = registrants.map(r => r.peerId)
    const discoverer = await ctx.newClient()
    const steps: Step[] = []

    for (const limit of [1, 50]) {
      await registerAll(registrants, 'limits', ctx)
      steps.push(judge(ctx, limit, await discover(discoverer, limit, ctx.opTimeout), ids))
    }

    await registerAll(registrants, 'limits', ctx)
    const bound = ctx.server.implementation.serverDeviations.has('quadratic-discover-limit') ? QUADRATIC_BOUND : ctx.opTimeout
    const results = await Promise.all(MAXIMUM_LIMITS.map(async limit => discover(discoverer, limit, bound)))
    MAXIMUM_LIMITS.forEach((limit, i) => steps.push(judge(ctx, limit, results[i], ids)))

    const deviation = steps.some(s => s.deviation)
    return {
      verdict: deviation ? 'deviation' : 'pass',
      detail: `limit: returned (of ${REGISTRANTS}) — ${steps.map(s => s.note).join('; ')}`
    }
  }
}
