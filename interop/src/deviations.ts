/**
 * Documented ways a server departs from the protocol. An implementation declares the ones it has; the
 * cases then assert that behaviour ("expected deviation") instead of the protocol's, so a deviation that
 * disappears or changes shape fails the matrix just like a regression.
 */
export type DeviationId =
  // go-waku-rendezvous (0.0.1)
  | 'ttl-read-as-nanoseconds' | 'biased-discover-sample' | 'quadratic-discover-limit'
  // this repository's server on 0.0.1
  | 'namespace-256-refused'
  // go-libp2p-rendezvous (1.0.0)
  | 'ttl-below-minimum-granted' | 'namespace-256-accepted' | 'discover-ns-left-empty' | 'discover-all-ns-aliased' | 'peer-mismatch-101'
  // rust-libp2p (1.0.0)
  | 'rust-legacy-records-only' | 'empty-namespace-accepted' | 'bad-request-unanswered' | 'discover-ttl-granted'

export interface Deviation {
  id: DeviationId
  title: string
  /** What the harness observes */
  observed: string
  /** Why: the place in go-waku-rendezvous's source (the version interop/go-waku-rendezvous/go.mod pins) */
  cause: string
}

export const DEVIATIONS: Readonly<Record<DeviationId, Deviation>> = {
  'ttl-read-as-nanoseconds': {
    id: 'ttl-read-as-nanoseconds',
    title: 'Registrations vanish after about 0.5 to 2.5 s',
    observed: 'a registration granted ttl 20 is discoverable at once and gone 3 s later',
    cause: 'svc.go:200 computes the deadline as now + time.Duration(ttl) + 500 ms; time.Duration(20) is 20 ns, and the cleaner deletes expired records every 2 s'
  },
  'biased-discover-sample': {
    id: 'biased-discover-sample',
    title: 'A DISCOVER returns at most about two registrations',
    observed: 'with 6 registrants, DISCOVER limit 50 returns at most 2: always the lexicographically greatest peer ID, sometimes also the smallest',
    cause: 'GetRandom seeks to random 32-byte keys under 0x01‖ns‖0xFF, but the key suffix is the peer ID multihash, whose first bytes are constant (00 24 08 01 12 20 for Ed25519): a seek lands past the last key (Prev gives the greatest) or, rarely, before the first'
  },
  'quadratic-discover-limit': {
    id: 'quadratic-discover-limit',
    title: 'DISCOVER limit 0, negative or ≥ 1000 means 1000 and costs 10⁶ sampling iterations',
    observed: 'no answer within the case\'s bound (seconds to tens of seconds on a loaded 2-core machine); when it does answer, the biased sample',
    cause: 'svc.go:226-230 turns 0, negative and ≥ 1000 into 1000, and GetRandom loops limit² times while it has fewer results than limit, which with the biased sample is always'
  },
  'namespace-256-refused': {
    id: 'namespace-256-refused',
    title: 'A REGISTER with a 256-byte namespace is refused (this repository\'s server)',
    observed: 'REGISTER with a namespace of exactly 256 bytes answers 100 "namespace too long"; go-waku-rendezvous accepts up to 256',
    cause: 'every @rendezvous store keys namespaces of at most 255 bytes (MAX_NAMESPACE_BYTES in @rendezvous/store, the 1.0.0 limit), so @rendezvous/server refuses the one length 0.0.1 allows beyond it (packages/server/src/request-handler.ts)'
  },
  'ttl-below-minimum-granted': {
    id: 'ttl-below-minimum-granted',
    title: 'A REGISTER with a TTL below 2 h is granted as asked (go-libp2p-rendezvous)',
    observed: 'REGISTER ttl 60 answers OK ttl 60; the spec\'s recommended minimum, and this repository\'s and rust-libp2p\'s default, is 7200 s',
    cause: 'svc.go handleRegister checks only ttl > MaxTTL (72 h); any other non-zero TTL is stored as asked'
  },
  'namespace-256-accepted': {
    id: 'namespace-256-accepted',
    title: 'A REGISTER with a 256-byte namespace is accepted (go-libp2p-rendezvous)',
    observed: 'REGISTER with a namespace of exactly 256 bytes answers OK; 1.0.0 allows at most 255, as this repository and rust-libp2p enforce',
    cause: 'svc.go sets MaxNamespaceLength = 256 and refuses only len(ns) > 256'
  },
  'discover-ns-left-empty': {
    id: 'discover-ns-left-empty',
    title: 'Registrations in the answer to a DISCOVER of one namespace carry no namespace (go-libp2p-rendezvous)',
    observed: 'DISCOVER "ns" returns the registrations with ns "" (absent); a DISCOVER of every namespace fills it in',
    cause: 'db/sqlite/db.go Discover copies the row\'s namespace into the registration only when the query\'s namespace is empty'
  },
  'discover-all-ns-aliased': {
    id: 'discover-all-ns-aliased',
    title: 'A DISCOVER of every namespace labels every registration with the namespace of the last one (go-libp2p-rendezvous)',
    observed: 'A in v1-all-a and B in v1-all-b, DISCOVER without a namespace: both come back, both under the namespace of the answer\'s last registration',
    cause: 'proto.go newDiscoverResponse stores &reg.Ns of its range variable; the module declares go 1.19, so the loop variable is shared across iterations (per-iteration variables came with go 1.22 modules) and every pointer sees the last value'
  },
  'peer-mismatch-101': {
    id: 'peer-mismatch-101',
    title: 'A record of another peer is refused with 101, not 200 (go-libp2p-rendezvous)',
    observed: 'REGISTER with a record signed by a key that is not the connection\'s peer answers 101 "peer id mismatch"; the spec says a peer may not register others (E_NOT_AUTHORIZED, 200), as rust-libp2p and this repository answer',
    cause: 'svc.go handleRegister answers E_INVALID_SIGNED_PEER_RECORD "peer id mismatch"'
  },
  'rust-legacy-records-only': {
    id: 'rust-legacy-records-only',
    title: 'Only rust-libp2p\'s legacy record format is read; a standard record gets no answer (rust-libp2p)',
    observed: 'REGISTER with a standard peer record (domain libp2p-peer-record, payload type 0x0301): the stream ends without an answer; its client drops a DISCOVER answer that holds one',
    cause: 'libp2p-core PeerRecord::from_signed_envelope opens only domain libp2p-routing-state with payload type /libp2p/routing-state-record; the codec\'s conversion fails and request-response drops the stream'
  },
  'empty-namespace-accepted': {
    id: 'empty-namespace-accepted',
    title: 'A REGISTER with an empty namespace is accepted (rust-libp2p)',
    observed: 'REGISTER with ns "" present answers OK and the registration is discoverable under ""; the spec and the other points answer E_INVALID_NAMESPACE',
    cause: 'codec.rs refuses only a missing ns field (MissingNamespace); Namespace::new("") passes the length check'
  },
  'bad-request-unanswered': {
    id: 'bad-request-unanswered',
    title: 'A REGISTER the codec cannot convert gets no answer instead of an error status (rust-libp2p)',
    observed: 'REGISTER with a namespace over 255 bytes, a forged signature or an unreadable record: the stream ends without a REGISTER_RESPONSE',
    cause: 'codec.rs converts the wire message before the server sees it (Namespace::new, PeerRecord::from_signed_envelope); a ConversionError fails the inbound request, which request-response ends without a response'
  },
  'discover-ttl-granted': {
    id: 'discover-ttl-granted',
    title: 'DISCOVER answers the TTL granted, not what remains of it (rust-libp2p)',
    observed: 'a registration granted 7200 s is answered with ttl 7200 seconds later; go-libp2p-rendezvous and this repository answer what remains',
    cause: 'server.rs keeps the Registration with its granted ttl and returns it as stored'
  }
}
