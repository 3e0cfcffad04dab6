import { check } from '../../case.ts'
import { decodeFrameHex } from '../../responses.ts'
import { registerThenLook } from '../openings.ts'
import { expectDiscovered, expectRegistered, recordFormatOf } from './attempt.ts'
import type { Case } from '../../case.ts'

/** A registers (the dialect's default TTL, 2 h), B discovers the namespace and finds A with a record that verifies */
export const registerThenDiscover: Case = {
  id: 'v1-register-discover',
  title: 'register then discover',
  async run (ctx) {
    const { a, b, registered: [registered], discovered } = await registerThenLook(ctx, [{ op: 'register', ns: 'v1-basic', ttl: 7200 }], 'v1-basic')
    const ttl = expectRegistered(registered, 'A')
    check(ttl === 7200, `A was granted ttl ${ttl}, expected 7200`)
    const found = expectDiscovered(discovered, 'B').filter(r => r.peerId === a.peerId)
    check(found.length === 1, `B found A ${found.length} times`)
    const format = await recordFormatOf(found[0], 'B')
    const detail = `B found A (ttl ${found[0].ttl}, ${format} record verified)`
    if (ctx.server.implementation.serverDeviations.has('discover-ns-left-empty')) {
      if (found[0].ns === '') {
        return { verdict: 'deviation', detail: `${detail}; ns left empty` }
      }
      // this repository's client fills in the namespace it asked for: the wire shows what the point sent
      check(found[0].ns === 'v1-basic', `the registration carries ns "${found[0].ns}"`)
      check(ctx.pair.client.client.raw, 'the documented empty ns was not observed')
      const [raw] = await b.raw([{ op: 'discover', ns: 'v1-basic', limit: 10 }], ctx)
      const answer = decodeFrameHex(ctx.dialect, raw?.frame, 'the raw DISCOVER answer')
      check(answer.type === 'DISCOVER_RESPONSE' && answer.registrations.length === 1, 'the raw DISCOVER did not find A')
      check(answer.registrations[0].ns === '', `on the wire the registration carries ns "${answer.registrations[0].ns}": the documented empty ns was not observed`)
      return { verdict: 'deviation', detail: `${detail}; ns left empty on the wire (the client fills in the namespace it asked for)` }
    }
    check(found[0].ns === 'v1-basic', `the registration carries ns "${found[0].ns}", expected "v1-basic"`)
    return { verdict: 'pass', detail }
  }
}
