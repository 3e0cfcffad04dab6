/**
 * Documented ways a server departs from the protocol. An implementation declares the ones it has; the
 * cases then assert that behaviour ("expected deviation") instead of the protocol's, so a deviation that
 * disappears or changes shape fails the matrix just like a regression.
 */
export type DeviationId = 'ttl-read-as-nanoseconds' | 'biased-discover-sample' | 'quadratic-discover-limit' | 'namespace-256-refused'

export interface Deviation {
  id: DeviationId
  title: string
  /** What the harness observes */
  observed: string
  /** Why, with the research reference */
  cause: string
}

export const DEVIATIONS: Readonly<Record<DeviationId, Deviation>> = {
  'ttl-read-as-nanoseconds': {
    id: 'ttl-read-as-nanoseconds',
    title: 'Registrations vanish after about 0.5 to 2.5 s',
    observed: 'a registration granted ttl 20 is discoverable at once and gone 3 s later',
    cause: 'svc.go:200 computes the deadline as now + time.Duration(ttl) + 500 ms; time.Duration(20) is 20 ns, and the cleaner deletes expired records every 2 s (research §2.3)'
  },
  'biased-discover-sample': {
    id: 'biased-discover-sample',
    title: 'A DISCOVER returns at most about two registrations',
    observed: 'with 6 registrants, DISCOVER limit 50 returns at most 2: always the lexicographically greatest peer ID, sometimes also the smallest',
    cause: 'GetRandom seeks to random 32-byte keys under 0x01‖ns‖0xFF, but the key suffix is the peer ID multihash, whose first bytes are constant (00 24 08 01 12 20 for Ed25519): a seek lands past the last key (Prev gives the greatest) or, rarely, before the first (research §2.4)'
  },
  'quadratic-discover-limit': {
    id: 'quadratic-discover-limit',
    title: 'DISCOVER limit 0, negative or ≥ 1000 means 1000 and costs 10⁶ sampling iterations',
    observed: 'no answer within the case\'s bound (seconds to tens of seconds on a loaded 2-core machine); when it does answer, the biased sample',
    cause: 'svc.go:226-230 turns 0, negative and ≥ 1000 into 1000, and GetRandom loops limit² times while it has fewer results than limit, which with the biased sample is always (research §2.4)'
  },
  'namespace-256-refused': {
    id: 'namespace-256-refused',
    title: 'A REGISTER with a 256-byte namespace is refused (this repository\'s server)',
    observed: 'REGISTER with a namespace of exactly 256 bytes answers 100 "namespace too long"; go-waku-rendezvous accepts up to 256',
    cause: 'every @rendezvous store keys namespaces of at most 255 bytes (MAX_NAMESPACE_BYTES in @rendezvous/store, the 1.0.0 limit), so @rendezvous/server refuses the one length 0.0.1 allows beyond it (packages/server/src/request-handler.ts)'
  }
}
