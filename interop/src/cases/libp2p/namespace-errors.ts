import { check } from '../../case.ts'
import { answerOutcome, attemptRegister, describeAnswer, expectRefused } from './attempt.ts'
import type { Case, CaseContext, CaseOutcome } from '../../case.ts'

/** A namespace 1.0.0 refuses with E_INVALID_NAMESPACE (empty, or longer than 255 bytes) */
function namespaceError (id: string, title: string, ns: string): Case {
  return {
    id,
    title,
    async run (ctx: CaseContext): Promise<CaseOutcome> {
      const answer = await attemptRegister(ctx, await ctx.newClient(), { ns, ttl: 7200 })
      const deviations = ctx.server.implementation.serverDeviations
      const bytes = new TextEncoder().encode(ns).byteLength
      const detail = describeAnswer(answer)
      if (answer.refusedByClient != null) {
        // rust-libp2p's client will not send a namespace over 255 bytes: the refusal the protocol asks for, made earlier
        check(bytes > 255, `the client refused a namespace of ${bytes} bytes: ${answer.refusedByClient}`)
        return answerOutcome('pass', answer)
      }
      if (bytes === 0 && deviations.has('empty-namespace-accepted')) {
        check(answer.ok, `${detail}: the documented acceptance of the empty namespace was not observed`)
        return answerOutcome('deviation', answer)
      }
      if (bytes === 256 && deviations.has('namespace-256-accepted')) {
        check(answer.ok, `${detail}: the documented acceptance of 256 bytes was not observed`)
        return answerOutcome('deviation', answer)
      }
      if (bytes > 255 && deviations.has('bad-request-unanswered')) {
        check(!answer.answered || answer.status === 400, `${detail}: the documented end without an answer was not observed`)
        return answerOutcome('deviation', answer)
      }
      return expectRefused(ctx, answer, 100, bytes === 0 ? 'emptyNamespace' : 'longNamespace')
    }
  }
}

export const namespaceErrors: readonly Case[] = [
  namespaceError('v1-ns-empty', 'REGISTER error: namespace empty → 100', ''),
  namespaceError('v1-ns-256', 'REGISTER error: namespace of 256 bytes → 100', 'n'.repeat(256)),
  namespaceError('v1-ns-300', 'REGISTER error: namespace of 300 bytes → 100', 'n'.repeat(300))
]
