import { check } from '../../case.ts'
import { answerOutcome, attemptRegister, describeAnswer, expectRefused } from './attempt.ts'
import type { Case } from '../../case.ts'

/** REGISTER with a TTL below the 2 h minimum: E_INVALID_TTL, or granted as documented */
export const ttlBelowMinimum: Case = {
  id: 'v1-ttl-below-min',
  title: 'REGISTER error: ttl 60 (below 2 h) → 102',
  async run (ctx) {
    const answer = await attemptRegister(ctx, await ctx.newClient(), { ns: 'v1-ttl-low', ttl: 60 })
    if (ctx.server.implementation.serverDeviations.has('ttl-below-minimum-granted')) {
      check(answer.ok && answer.ttl === 60, `${describeAnswer(answer)}: the documented grant of ttl 60 was not observed`)
      return answerOutcome('deviation', answer)
    }
    return expectRefused(ctx, answer, 102, 'badTtl')
  }
}

/** REGISTER with a TTL one second over 72 h: E_INVALID_TTL */
export const ttlAboveMaximum: Case = {
  id: 'v1-ttl-above-max',
  title: 'REGISTER error: ttl 72 h + 1 s → 102',
  async run (ctx) {
    const answer = await attemptRegister(ctx, await ctx.newClient(), { ns: 'v1-ttl-high', ttl: 72 * 3600 + 1 })
    return expectRefused(ctx, answer, 102, 'badTtl')
  }
}
