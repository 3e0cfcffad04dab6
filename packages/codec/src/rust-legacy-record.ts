import { RUST_LEGACY_RECORD_DOMAIN, RUST_LEGACY_RECORD_PAYLOAD_TYPE } from './constants.ts'
import { decodePeerRecordPayload, encodePeerRecordPayload } from './standard-record.ts'
import type { RecordFormat } from './record-format.ts'

/**
 * rust-libp2p's own peer record (libp2p-core `peer_record.rs`, `PeerRecord::new` and
 * `from_signed_envelope`, which its rendezvous protocol uses): the standard payload in an envelope with
 * domain `libp2p-routing-state` and payload type the ASCII bytes `/libp2p/routing-state-record`. A
 * rust-libp2p rendezvous client or server reads and writes only this format.
 */
export const rustLegacyRecord: RecordFormat = Object.freeze({
  name: 'rust-legacy',
  domain: RUST_LEGACY_RECORD_DOMAIN,
  payloadType: RUST_LEGACY_RECORD_PAYLOAD_TYPE,
  defaultSeq: () => BigInt(Date.now()),
  encodePayload: encodePeerRecordPayload,
  decodePayload: decodePeerRecordPayload
})
