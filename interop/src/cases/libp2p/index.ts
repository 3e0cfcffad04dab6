import { rendezvous } from '@rendezvous/codec'
import { cookiePaging } from './cookie-paging.ts'
import { discoverAllNamespaces } from './discover-all.ts'
import { discoverTtlRemaining } from './discover-ttl.ts'
import { familiesThroughOurPoint } from './families.ts'
import { mixedFormatNamespace } from './mixed-formats.ts'
import { namespaceErrors } from './namespace-errors.ts'
import { forgedRecord, otherPeersRecord } from './record-errors.ts'
import { registerThenDiscover } from './register-discover.ts'
import { reregisterReplaces } from './reregister.ts'
import { ttlAboveMaximum, ttlBelowMinimum } from './ttl-errors.ts'
import { unregisterThenDiscover } from './unregister.ts'
import type { Case } from '../../case.ts'

/**
 * The rows of the `/rendezvous/1.0.0` matrices (go-libp2p-rendezvous, rust-libp2p), in order. Their
 * expectations (2 h to 72 h, 255-byte namespaces, E_NOT_AUTHORIZED for another peer's record, cookies)
 * are those of the libp2p specification as this repository's server implements it.
 */
export const LIBP2P_CASES: readonly Case[] = ([
  registerThenDiscover,
  reregisterReplaces,
  discoverTtlRemaining,
  cookiePaging,
  discoverAllNamespaces,
  unregisterThenDiscover,
  ttlBelowMinimum,
  ttlAboveMaximum,
  ...namespaceErrors,
  forgedRecord,
  otherPeersRecord,
  mixedFormatNamespace,
  familiesThroughOurPoint
] satisfies Case[]).map(c => ({ ...c, dialects: [rendezvous.name] }))
