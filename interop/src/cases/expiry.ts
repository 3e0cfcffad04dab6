import { check } from '../case.ts'
import { expectDiscovered, expectRegistered } from './register-discover.ts'
import type { Case } from '../case.ts'

/** Longer than the Go server's worst case (500 ms deadline + one 2 s cleaner period), far below ttl 20 */
const WAIT = 3_000

/** A registration granted ttl 20 is still there 3 s later, or is gone as documented */
export const registrationLifetime: Case = {
  id: 'lifetime',
  title: `registration outlives ${WAIT / 1000} s of its 20 s ttl`,
  async run (ctx) {
    const a = await ctx.newClient()
    const [registered, before, , after] = await a.run([
      { op: 'register', ns: 'lifetime', ttl: 20 },
      { op: 'discover', ns: 'lifetime', limit: 10 },
      { op: 'sleep', ms: WAIT },
      { op: 'discover', ns: 'lifetime', limit: 10 }
    ], ctx)
    expectRegistered(registered, 20, 'REGISTER')
    const seenBefore = expectDiscovered(before, 'DISCOVER at once').some(r => r.peerId === a.peerId)
    check(seenBefore, 'the registration is not discoverable right after REGISTER')
    const seenAfter = expectDiscovered(after, `DISCOVER after ${WAIT} ms`).some(r => r.peerId === a.peerId)
    if (ctx.server.implementation.serverDeviations.has('ttl-read-as-nanoseconds')) {
      check(!seenAfter, `the registration is still there after ${WAIT} ms: the nanosecond-ttl deviation was not observed`)
      return { verdict: 'deviation', detail: `present at once, gone after ${WAIT / 1000} s (ttl 20 read as 20 ns)` }
    }
    check(seenAfter, `the registration is gone after ${WAIT} ms although its ttl is 20 s`)
    return { verdict: 'pass', detail: `present at once and after ${WAIT / 1000} s` }
  }
}
