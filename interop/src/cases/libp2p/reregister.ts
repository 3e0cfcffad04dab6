import { check } from '../../case.ts'
import { registerThenLook } from '../openings.ts'
import { expectDiscovered, expectRegistered } from './attempt.ts'
import type { Case } from '../../case.ts'

/** A registers twice in one namespace (2 h, then 3 h): one registration, with the second TTL */
export const reregisterReplaces: Case = {
  id: 'v1-reregister',
  title: 're-register replaces the registration',
  async run (ctx) {
    const { a, registered: [first, second], discovered } = await registerThenLook(ctx, [{ op: 'register', ns: 'v1-again', ttl: 7200 }, { op: 'register', ns: 'v1-again', ttl: 10_800 }], 'v1-again')
    expectRegistered(first, 'first REGISTER')
    check(expectRegistered(second, 'second REGISTER') === 10_800, `the second REGISTER was granted ${second?.ttl}, expected 10800`)
    const found = expectDiscovered(discovered, 'B').filter(r => r.peerId === a.peerId)
    check(found.length === 1, `A is registered ${found.length} times`)
    const ttl = found[0].ttl ?? 0
    check(ttl > 7200 && ttl <= 10_800, `the registration has ttl ${ttl}: not the second REGISTER's 10800`)
    return { verdict: 'pass', detail: `one registration, ttl ${ttl} (7200 replaced by 10800)` }
  }
}
