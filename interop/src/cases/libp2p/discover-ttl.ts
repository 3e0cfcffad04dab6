import { check } from '../../case.ts'
import { expectDiscovered, expectRegistered } from './attempt.ts'
import type { Case } from '../../case.ts'

/** Long enough for a point that counts whole seconds to answer at least one less */
const WAIT = 2_100

/** A DISCOVER 2.1 s after a REGISTER of 7200 s answers what remains (≤ 7198), or the granted TTL as documented */
export const discoverTtlRemaining: Case = {
  id: 'v1-discover-ttl',
  title: `DISCOVER answers the TTL that remains (${WAIT / 1000} s after REGISTER)`,
  async run (ctx) {
    const a = await ctx.newClient()
    // the wait is the point of the row: time has to pass on the server's clock
    const [registered, , discovered] = await a.run([
      { op: 'register', ns: 'v1-ttl', ttl: 7200 },
      { op: 'sleep', ms: WAIT },
      { op: 'discover', ns: 'v1-ttl', limit: 10 }
    ], ctx)
    expectRegistered(registered, 'REGISTER')
    const found = expectDiscovered(discovered, 'DISCOVER').filter(r => r.peerId === a.peerId)
    check(found.length === 1, `A found ${found.length} times`)
    const ttl = found[0].ttl ?? -1
    if (ctx.server.implementation.serverDeviations.has('discover-ttl-granted')) {
      check(ttl === 7200, `ttl ${ttl}: the documented granted TTL (7200) was not observed`)
      return { verdict: 'deviation', detail: `ttl ${ttl} after ${WAIT / 1000} s (the TTL granted)` }
    }
    check(ttl >= 7190 && ttl <= 7198, `ttl ${ttl} after ${WAIT} ms, expected what remains of 7200 (7190-7198)`)
    return { verdict: 'pass', detail: `ttl ${ttl} after ${WAIT / 1000} s` }
  }
}
