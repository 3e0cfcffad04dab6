import { goldenVectors } from '@rendezvous/codec/testing'
import { check } from '../case.ts'
import { canonical, decodeFrameHex, encodeFrameHex, fromHex } from '../responses.ts'
import { answersOnOneStream } from './one-stream.ts'
import type { Case } from '../case.ts'

/**
 * The answers a server sends, captured on the wire by the client, byte for byte: each is what the codec
 * encodes for the same message, and equals the golden vector where one exists for that message.
 */
export const liveResponseFrames: Case = {
  id: 'response-frames',
  title: 'response frames on the wire = codec encoding',
  async run (ctx) {
    const { frames, envelope } = await answersOnOneStream(ctx, [
      { op: 'register', ns: 'foo', ttl: 20 },
      { op: 'discover', ns: 'foo', limit: 10 },
      { op: 'discover', ns: 'bar', limit: 10 },
      { op: 'register', ns: 'foo', ttl: 21 }
    ])
    const expected = [
      { type: 'REGISTER_RESPONSE', status: 0, statusText: '', ttl: 20 },
      envelope == null ? undefined : { type: 'DISCOVER_RESPONSE', status: 0, statusText: '', registrations: [{ ns: 'foo', signedPeerRecord: fromHex(envelope), ttl: 20 }] },
      { type: 'DISCOVER_RESPONSE', status: 0, statusText: '', registrations: [] },
      { type: 'REGISTER_RESPONSE', status: 102, statusText: 'bad ttl' }
    ] as const
    let golden = 0
    frames.forEach((frame, i) => {
      const message = decodeFrameHex(ctx.dialect, frame, `answer ${i + 1}`)
      check(encodeFrameHex(ctx.dialect, message) === frame, `answer ${i + 1} (${message.type}) is not what the codec encodes for the same message: ${frame}`)
      const want = expected[i]
      if (want != null) {
        check(encodeFrameHex(ctx.dialect, want as any) === frame, `answer ${i + 1} is not the expected ${want.type} ${canonical(want).slice(0, 80)}…: ${frame}`)
      }
      const vector = goldenVectors.find(v => v.dialect === ctx.dialect.name && canonical(decodeFrameHex(ctx.dialect, v.frame, v.name)) === canonical(message))
      if (vector != null) {
        check(vector.frame === frame, `answer ${i + 1} differs from the golden vector "${vector.name}": ${frame} vs ${vector.frame}`)
        golden++
      }
    })
    return { verdict: 'pass', detail: `${frames.length} answers byte-identical to the codec's encoding, ${golden} equal to golden vectors` }
  }
}
