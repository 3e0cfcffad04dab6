import { check } from '../case.ts'
import type { Case } from '../case.ts'

/**
 * A frame whose type is not a request (type 15 here, and a DISCOVER_RESPONSE sent as a request) gets no
 * answer: the point ends the stream. go-waku-rendezvous returns from its loop and resets (svc.go:143-145).
 */
export const unknownMessageType: Case = {
  id: 'unknown-type',
  title: 'a non-request message ends the stream without an answer',
  async run (ctx) {
    const notes: string[] = []
    // 04 08 0f 2a 00: type 15 with an empty discoverResponse; 04 08 03 2a 00: a DISCOVER_RESPONSE
    for (const hex of ['04080f2a00', '0408032a00']) {
      const client = await ctx.newClient()
      const [result] = await client.raw([{ op: 'frame', hex }], { opTimeout: Math.min(ctx.opTimeout, 5_000) })
      check(result?.frame == null, `${hex} was answered with ${result?.frame}`)
      check(result.end === 'reset' || result.end === 'eof', `after ${hex} the stream did not end (${result.end}: ${result.error})`)
      notes.push(`${hex}: ${result.end}`)
    }
    return { verdict: 'pass', detail: `no answer; ${notes.join(', ')}` }
  }
}
