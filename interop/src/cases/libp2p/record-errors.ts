import { check } from '../../case.ts'
import { attemptRegister, describeAnswer, expectText, sealFor, serverFormat, statusData } from './attempt.ts'
import type { Case, Pair } from '../../case.ts'

/** The harness writes these records itself: only clients that can write frames take part */
const withRawClient = (pair: Pair): boolean => pair.client.client.raw

/** A record in the server's format whose signature has one byte flipped */
export const forgedRecord: Case = {
  id: 'v1-forged-record',
  title: 'REGISTER error: forged signature → 101',
  applies: withRawClient,
  async run (ctx) {
    const client = await ctx.newClient()
    const envelope = await sealFor(client.privateKey, serverFormat(ctx))
    // the signature is the envelope's last field: its last byte is a signature byte
    envelope[envelope.byteLength - 1] ^= 0xff
    const answer = await attemptRegister(ctx, client, { ns: 'v1-forged', ttl: 7200, envelope })
    if (ctx.server.implementation.serverDeviations.has('bad-request-unanswered')) {
      check(!answer.answered, `${describeAnswer(answer)}: the documented end without an answer was not observed`)
      return { verdict: 'deviation', detail: describeAnswer(answer), data: statusData(answer) }
    }
    check(answer.answered && answer.status === 101, `${describeAnswer(answer)}, expected 101`)
    expectText(ctx, answer, 'invalidRecord')
    return { verdict: 'pass', detail: describeAnswer(answer), data: statusData(answer) }
  }
}

/** A valid record of another peer than the connection's: E_NOT_AUTHORIZED (a peer may not register others) */
export const otherPeersRecord: Case = {
  id: 'v1-other-peer',
  title: 'REGISTER error: record of another peer → 200',
  applies: withRawClient,
  async run (ctx) {
    const client = await ctx.newClient()
    const envelope = await sealFor(await ctx.newKey(), serverFormat(ctx))
    const answer = await attemptRegister(ctx, client, { ns: 'v1-other', ttl: 7200, envelope })
    if (ctx.server.implementation.serverDeviations.has('peer-mismatch-101')) {
      check(answer.answered && answer.status === 101, `${describeAnswer(answer)}: the documented 101 was not observed`)
      expectText(ctx, answer, 'peerMismatch')
      return { verdict: 'deviation', detail: describeAnswer(answer), data: statusData(answer) }
    }
    check(answer.answered && answer.status === 200, `${describeAnswer(answer)}, expected 200`)
    expectText(ctx, answer, 'peerMismatch')
    return { verdict: 'pass', detail: describeAnswer(answer), data: statusData(answer) }
  }
}
