import { wakuV0 } from '@rendezvous/codec'
import { discoverEmptyNamespace, discoverLongNamespace } from './discover-namespaces.ts'
import { registrationLifetime } from './expiry.ts'
import { goldenFrames } from './golden-frames.ts'
import { discoverLimits } from './limits.ts'
import { namespaceIsolation } from './namespace-isolation.ts'
import { severalRequestsOneStream } from './one-stream.ts'
import { registerEdgeCases } from './register-accepted.ts'
import { registerThenDiscover } from './register-discover.ts'
import { registerErrorCases } from './register-errors.ts'
import { reregisterOverwrites } from './reregister.ts'
import { liveResponseFrames } from './response-frames.ts'
import { discoverSample } from './sampling.ts'
import { signedRecordsCross } from './signed-records.ts'
import { unknownMessageType } from './unknown-type.ts'
import type { Case } from '../case.ts'

export { REGISTER_ERRORS, registerErrorCase } from './register-errors.ts'
export { REGISTER_EDGES, registerEdgeCase } from './register-accepted.ts'
export type { RegisterEdge } from './register-accepted.ts'
export type { RegisterError } from './register-errors.ts'

/**
 * Every case, in the order of the matrix's rows. Their expectations (ttl 20 granted, the 0.0.1 limit
 * rules and status texts) are those of `/vac/waku/rendezvous/0.0.1`, so they apply to pairs of that dialect.
 */
export const CASES: readonly Case[] = ([
  registerThenDiscover,
  reregisterOverwrites,
  namespaceIsolation,
  discoverLimits,
  severalRequestsOneStream,
  unknownMessageType,
  ...registerErrorCases,
  ...registerEdgeCases,
  discoverLongNamespace,
  discoverEmptyNamespace,
  signedRecordsCross,
  goldenFrames,
  liveResponseFrames,
  registrationLifetime,
  discoverSample
] satisfies Case[]).map(c => ({ ...c, dialects: [wakuV0.name] }))
