import { check } from '../case.ts'
import { registerThenLook } from './openings.ts'
import { expectDiscovered, expectRegistered } from './register-discover.ts'
import type { Case } from '../case.ts'

/** A second REGISTER of the same (peer, namespace) replaces the first: one registration, the new ttl */
export const reregisterOverwrites: Case = {
  id: 'reregister',
  title: 're-register overwrites',
  async run (ctx) {
    const { a, registered: [first, second], discovered } = await registerThenLook(ctx, [{ op: 'register', ns: 'interop', ttl: 10 }, { op: 'register', ns: 'interop', ttl: 20 }], 'interop')
    expectRegistered(first, 10, 'first REGISTER')
    expectRegistered(second, 20, 'second REGISTER')
    const registrations = expectDiscovered(discovered, 'B')
    check(registrations.length === 1, `${registrations.length} registrations after re-registering, expected 1`)
    check(registrations[0].peerId === a.peerId, 'the registration is not A\'s')
    check(registrations[0].ttl === 20, `the registration carries ttl ${registrations[0].ttl}, expected the second REGISTER's 20`)
    if (second.envelope != null) {
      check(registrations[0].envelope === second.envelope, 'the stored envelope is not the second REGISTER\'s')
    }
    return { verdict: 'pass', detail: 'one registration, ttl 10 replaced by 20' }
  }
}
