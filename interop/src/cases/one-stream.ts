import { check } from '../case.ts'
import { decodeFrameHex, toHex } from '../responses.ts'
import type { Case, CaseContext } from '../case.ts'
import type { RawOp, RawResult } from '../implementation.ts'

/** The frame answering `result`; fails the case when the stream ended instead */
export function answered (result: RawResult | undefined, what: string): string {
  check(result?.frame != null, `${what}: no answer (${result?.end ?? 'nothing'}${result?.error == null ? '' : `: ${result.error}`})`)
  return result.frame
}

/**
 * A fresh client of the pair writes `ops` on one stream: every request must be answered. The answers'
 * frames (hex) in order, and the envelope of the first op when it is a REGISTER.
 */
export async function answersOnOneStream (ctx: CaseContext, ops: RawOp[]): Promise<{ frames: string[], envelope?: string }> {
  const client = await ctx.newClient()
  const results = await client.raw(ops, ctx)
  return { frames: results.map((r, i) => answered(r, `request ${i + 1}`)), envelope: results[0]?.envelope }
}

/** REGISTER, DISCOVER, DISCOVER, DISCOVER on one stream: four answers, in order */
export const severalRequestsOneStream: Case = {
  id: 'one-stream',
  title: 'several requests on one stream',
  async run (ctx) {
    const { frames, envelope } = await answersOnOneStream(ctx, [
      { op: 'register', ns: 'stream', ttl: 20 },
      { op: 'discover', ns: 'stream', limit: 10 },
      { op: 'discover', ns: 'stream', limit: 10 },
      { op: 'discover', ns: 'elsewhere', limit: 1 }
    ])
    const [register, first, second, other] = frames.map((frame, i) => decodeFrameHex(ctx.dialect, frame, `answer ${i + 1}`))
    check(register.type === 'REGISTER_RESPONSE' && register.status === 0 && register.ttl === 20, `answer 1 is not REGISTER_RESPONSE OK ttl 20: ${JSON.stringify(register)}`)
    for (const [i, answer] of [[2, first], [3, second]] as const) {
      check(answer.type === 'DISCOVER_RESPONSE' && answer.status === 0, `answer ${i} is not DISCOVER_RESPONSE OK`)
      check(answer.registrations.length === 1, `answer ${i} has ${answer.registrations.length} registrations, expected 1`)
      if (envelope != null) {
        check(toHex(answer.registrations[0].signedPeerRecord) === envelope, `answer ${i} does not carry the envelope registered on this stream`)
      }
    }
    check(other.type === 'DISCOVER_RESPONSE' && other.status === 0 && other.registrations.length === 0, 'answer 4 is not an empty DISCOVER_RESPONSE OK')
    return { verdict: 'pass', detail: '4 requests, 4 answers in order on one stream' }
  }
}
