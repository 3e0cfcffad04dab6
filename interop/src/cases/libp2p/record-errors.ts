import { check } from '../../case.ts'
import { answerOutcome, attemptRegister, describeAnswer, expectRefused, expectText, sealFor, serverFormat } from './attempt.ts'
import type { RegisterAnswer } from './attempt.ts'
import type { Case, CaseContext, Pair } from '../../case.ts'
import type { ClientPeer } from '../../implementation.ts'

/** The harness writes these records itself: only clients that can write frames take part */
const withRawClient = (pair: Pair): boolean => pair.client.client.raw

/** A fresh client REGISTERs `ns` (ttl 2 h) with the record `seal` makes for it in the server's format */
async function registerRecord (ctx: CaseContext, ns: string, seal: (client: ClientPeer, format: string) => Promise<Uint8Array>): Promise<RegisterAnswer> {
  const client = await ctx.newClient()
  return attemptRegister(ctx, client, { ns, ttl: 7200, envelope: await seal(client, serverFormat(ctx)) })
}

/** A record in the server's format whose signature has one byte flipped */
export const forgedRecord: Case = {
  id: 'v1-forged-record',
  title: 'REGISTER error: forged signature → 101',
  applies: withRawClient,
  async run (ctx) {
    const answer = await registerRecord(ctx, 'v1-forged', async (client, format) => {
      const envelope = await sealFor(client.privateKey, format)
      // the signature is the envelope's last field: its last byte is a signature byte
      envelope[envelope.byteLength - 1] ^= 0xff
      return envelope
    })
    if (ctx.server.implementation.serverDeviations.has('bad-request-unanswered')) {
      check(!answer.answered, `${describeAnswer(answer)}: the documented end without an answer was not observed`)
      return answerOutcome('deviation', answer)
    }
    return expectRefused(ctx, answer, 101, 'invalidRecord')
  }
}

/** A valid record of another peer than the connection's: E_NOT_AUTHORIZED (a peer may not register others) */
export const otherPeersRecord: Case = {
  id: 'v1-other-peer',
  title: 'REGISTER error: record of another peer → 200',
  applies: withRawClient,
  async run (ctx) {
    const answer = await registerRecord(ctx, 'v1-other', async (_, format) => sealFor(await ctx.newKey(), format))
    if (ctx.server.implementation.serverDeviations.has('peer-mismatch-101')) {
      check(answer.answered && answer.status === 101, `${describeAnswer(answer)}: the documented 101 was not observed`)
      expectText(ctx, answer, 'peerMismatch')
      return answerOutcome('deviation', answer)
    }
    return expectRefused(ctx, answer, 200, 'peerMismatch')
  }
}
