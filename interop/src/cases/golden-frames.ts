import { goldenVectors } from '@rendezvous/codec/testing'
import { check } from '../case.ts'
import { canonical, decodeFrameHex, encodeFrameHex } from '../responses.ts'
import type { Case } from '../case.ts'
import type { Implementation } from '../implementation.ts'

/**
 * The frames each implementation of the pair writes for well-known messages, compared with the codec's
 * golden vectors by message (both decoded by the codec), and re-encoded by the codec where no vector
 * exists; plus the deterministic signed record, byte for byte, across implementations.
 */
export const goldenFrames: Case = {
  id: 'golden-frames',
  title: 'frames written by each peer = codec golden vectors',
  async run (ctx) {
    const implementations = [...new Set<Implementation>([ctx.pair.client, ctx.pair.server])]
    const goldens = goldenVectors.filter(v => v.dialect === ctx.dialect.name).map(v => ({ vector: v, message: canonical(decodeFrameHex(ctx.dialect, v.frame, v.name)) }))
    const notes: string[] = []
    const envelopes = new Map<string, string>()

    for (const implementation of implementations) {
      if (implementation.frames == null) {
        continue
      }
      const samples = await implementation.frames()
      let matched = 0
      for (const sample of samples) {
        const message = decodeFrameHex(ctx.dialect, sample.hex, sample.name)
        const golden = goldens.find(g => g.message === canonical(message))
        if (golden != null) {
          check(golden.vector.frame === sample.hex, `${sample.name} differs from the golden vector "${golden.vector.name}": ${sample.hex} vs ${golden.vector.frame}`)
          matched++
        } else {
          check(encodeFrameHex(ctx.dialect, message) === sample.hex, `${sample.name} is not what the codec encodes for the same message`)
        }
      }
      check(matched > 0, `none of the ${samples.length} frames of ${implementation.name} matches a golden vector`)
      notes.push(`${implementation.name}: ${samples.length} frames, ${matched} = golden, rest = codec encoding`)
      if (implementation.referenceEnvelope != null) {
        envelopes.set(implementation.name, await implementation.referenceEnvelope())
      }
    }

    const distinct = new Set(envelopes.values())
    check(distinct.size <= 1, `the deterministic record is sealed differently: ${[...envelopes].map(([n, e]) => `${n} ${e.slice(-32)}`).join(', ')}`)
    if (envelopes.size > 1) {
      notes.push(`deterministic record sealed byte-identically by ${[...envelopes.keys()].join(' and ')}`)
    }
    return { verdict: 'pass', detail: notes.join('; ') }
  }
}
