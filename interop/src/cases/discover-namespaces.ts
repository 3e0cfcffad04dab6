import { encodeMessageFrame } from '@rendezvous/codec'
import { check } from '../case.ts'
import { decodeFrameHex, toHex } from '../responses.ts'
import { answered } from './one-stream.ts'
import type { Case } from '../case.ts'

/** DISCOVER of a namespace longer than 256 bytes: E_INVALID_NAMESPACE, on both servers */
export const discoverLongNamespace: Case = {
  id: 'discover-ns-257',
  title: 'DISCOVER error: namespace of 257 bytes → 100',
  async run (ctx) {
    const client = await ctx.newClient()
    const frame = encodeMessageFrame(ctx.dialect, { type: 'DISCOVER', ns: 'n'.repeat(257), limit: 10 })
    const [result] = await client.raw([{ op: 'frame', hex: toHex(frame) }], ctx)
    const answer = decodeFrameHex(ctx.dialect, answered(result, 'DISCOVER'), 'the answer')
    check(answer.type === 'DISCOVER_RESPONSE', `answered ${answer.type}`)
    check(answer.status === 100, `status ${answer.status} "${answer.statusText}", expected 100`)
    check(answer.registrations.length === 0, 'an error answer carries registrations')
    return { verdict: 'pass', detail: `${answer.status} "${answer.statusText}"`, data: { status: answer.status, statusText: answer.statusText } }
  }
}

/** DISCOVER of the empty namespace in 0.0.1: accepted, and nothing can be registered there */
export const discoverEmptyNamespace: Case = {
  id: 'discover-ns-empty',
  title: 'DISCOVER of the empty namespace → OK, none',
  async run (ctx) {
    const client = await ctx.newClient()
    const results = await client.raw([{ op: 'register', ns: 'somewhere', ttl: 20 }, { op: 'discover', ns: '', limit: 10 }], ctx)
    const answer = decodeFrameHex(ctx.dialect, answered(results[1], 'DISCOVER'), 'the answer')
    check(answer.type === 'DISCOVER_RESPONSE', `answered ${answer.type}`)
    check(answer.status === 0, `status ${answer.status} "${answer.statusText}", expected OK`)
    check(answer.registrations.length === 0, `${answer.registrations.length} registrations under the empty namespace`)
    return { verdict: 'pass', detail: 'OK, no registrations' }
  }
}
