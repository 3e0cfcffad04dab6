import { CaseFailure, check } from '../../case.ts'
import { registerThenLook } from '../openings.ts'
import { expectDiscovered, expectRegistered } from './attempt.ts'
import type { Case } from '../../case.ts'
import type { ClientPeer } from '../../implementation.ts'

/** DISCOVERs B may make while A's UNREGISTER, which has no answer, reaches the point */
const MAX_POLLS = 200
/** How long A stays connected after its UNREGISTER, as a running peer would */
const STAY = 3_000

/**
 * A registers, then unregisters and stays connected; meanwhile B discovers until A is gone. UNREGISTER
 * has no answer, so nothing tells when the point has applied it: B asks again, a bounded number of times.
 * After A has left, A must still be gone.
 */
export const unregisterThenDiscover: Case = {
  id: 'v1-unregister',
  title: 'unregister then discover',
  async run (ctx) {
    const { a, b, registered: [registered], discovered } = await registerThenLook(ctx, [{ op: 'register', ns: 'v1-unreg', ttl: 7200 }], 'v1-unreg')
    expectRegistered(registered, 'REGISTER')
    check(expectDiscovered(discovered, 'DISCOVER').some(r => r.peerId === a.peerId), 'A is not discoverable after REGISTER')

    const stay = { left: false }
    const leaving = a.run([{ op: 'unregister', ns: 'v1-unreg' }, { op: 'sleep', ms: STAY }], ctx).finally(() => { stay.left = true })
    // B asks while A is still there (bounded by A's stay and by count)
    let gone = 0
    for (let poll = 1; poll <= MAX_POLLS && gone === 0 && !stay.left; poll++) {
      if (!await holds(b, a.peerId, ctx.opTimeout)) {
        gone = poll
      }
    }
    const [unregistered] = await leaving
    check(unregistered?.ok === true, `UNREGISTER was not sent: ${unregistered?.error}`)
    if (gone === 0) {
      throw new CaseFailure(`A is still registered after ${MAX_POLLS} DISCOVERs following UNREGISTER`)
    }
    check(!await holds(b, a.peerId, ctx.opTimeout), 'A is registered again after it left')
    return { verdict: 'pass', detail: `gone at B's DISCOVER ${gone} after UNREGISTER, and after A left` }
  }
}

async function holds (client: ClientPeer, peerId: string, opTimeout: number): Promise<boolean> {
  const [result] = await client.run([{ op: 'discover', ns: 'v1-unreg', limit: 10 }], { opTimeout })
  return expectDiscovered(result, 'DISCOVER').some(r => r.peerId === peerId)
}
