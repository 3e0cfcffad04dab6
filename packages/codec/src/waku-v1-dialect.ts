import { WAKU_V1_PROTOCOL } from './constants.ts'
import { decodeRendezvousMessage, encodeRendezvousMessage } from './rendezvous-dialect.ts'
import { Status, statusName } from './status.ts'
import { wakuRecord } from './waku-record.ts'
import type { Dialect } from './dialect.ts'
import type { RendezvousMessage } from './messages.ts'

/**
 * `/vac/waku/rendezvous/1.0.0`, nwaku's rendezvous (WAKU-RENDEZVOUS; nwaku `waku/waku_rendezvous/` on
 * nim-libp2p's generic rendezvous): the messages of `/rendezvous/1.0.0`, but only nwaku's `WakuPeerRecord`
 * (the `waku` format) as record; TTL within [60 s, 72 h], an absent TTL means 60 s and an explicit 0 is
 * below the window; at most 4096 bytes per request and one request per stream; namespaces
 * `rs/<cluster>/<capability>` (e.g. `rs/1/mix`) of up to 255 bytes; a DISCOVER limit of 0 returns
 * nothing; nim-libp2p's status texts (mostly empty, written as empty strings).
 */
export const wakuV1: Dialect = Object.freeze({
  name: 'waku/1.0.0',
  protocol: WAKU_V1_PROTOCOL,
  ttl: Object.freeze({ default: 60, min: 60, max: 72 * 3600, zero: 'invalid', adjustable: false }),
  limits: Object.freeze({ maxNamespaceBytes: 255, maxDiscoverLimit: 1000, maxRegistrationsPerPeer: 1000, maxPeerAddressBytes: Infinity, maxRequestBytes: 4096 }),
  features: Object.freeze({ unregister: true, cookies: true, discoverAllNamespaces: true }),
  discovery: Object.freeze({ mode: 'paged', ttl: 'remaining', zeroLimit: 'none' }),
  records: Object.freeze({
    accepts: Object.freeze([wakuRecord]),
    seals: wakuRecord,
    served: Object.freeze([wakuRecord])
  }),
  requestsPerStream: 'one',
  // nim-libp2p looks the namespace up and finds nothing under ""
  unregisterEmptyNamespace: 'ignore',
  // nwaku's record check answers a record of another peer as an invalid record ("Bad Peer ID")
  peerMismatchStatus: Status.E_INVALID_SIGNED_PEER_RECORD,
  texts: Object.freeze({
    emptyNamespace: '',
    longNamespace: () => '',
    missingRecord: 'Empty peer record',
    invalidRecord: (reason: string) => reason,
    peerMismatch: 'Bad Peer ID',
    noAddresses: 'RequiredFieldMissing',
    longAddresses: () => '',
    badTtl: () => '',
    perPeerLimit: 'Registration limit reached',
    globalLimit: 'Registration limit reached',
    invalidCookie: '',
    discoverRateLimited: ''
  }),
  statusName,
  encode: (message: RendezvousMessage) => encodeRendezvousMessage(message, { emptyErrorText: true }),
  decode: decodeRendezvousMessage
})
