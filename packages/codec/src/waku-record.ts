import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { WAKU_RECORD_DOMAIN, WAKU_RECORD_PAYLOAD_TYPE } from './constants.ts'
import { InvalidPeerRecordError } from './errors.ts'
import { WakuPeerRecord } from './pb/waku-peer-record.ts'
import type { PeerRecordContent, RecordFormat } from './record-format.ts'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

function encodePayload (content: PeerRecordContent): Uint8Array {
  return WakuPeerRecord.encode({
    peerId: content.peerId.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    seqNo: content.seq,
    addresses: content.multiaddrs.map(ma => ma.bytes as Uint8Array<ArrayBuffer>),
    // nwaku's decoder requires the field, so it is written even when empty
    mixKey: content.mixKey ?? ''
  })
}

function decodePayload (bytes: Uint8Array): PeerRecordContent {
  let record: WakuPeerRecord
  try {
    record = WakuPeerRecord.decode(bytes)
  } catch (err: any) {
    throw new InvalidPeerRecordError(`the payload is not a WakuPeerRecord: ${err.message}`)
  }
  // the fields nwaku's decoder requires (waku_peer_record.nim `decode`)
  if (record.peerId == null || record.seqNo == null || record.mixKey == null) {
    throw new InvalidPeerRecordError('a WakuPeerRecord needs a peer ID (1), a sequence number (2) and a mix key (4)')
  }
  if (record.addresses.length === 0) {
    throw new InvalidPeerRecordError('a WakuPeerRecord needs at least one address (3)')
  }
  let multiaddrs: Multiaddr[]
  let peerId: PeerId
  try {
    // a peer ID's bytes are its multihash; its string form is their base58btc, which parses back to the same ID
    peerId = peerIdFromString(uint8ArrayToString(record.peerId, 'base58btc'))
    multiaddrs = record.addresses.map(bytes => multiaddr(bytes))
  } catch (err: any) {
    throw new InvalidPeerRecordError(`the WakuPeerRecord does not parse: ${err.message}`)
  }
  return { peerId, seq: record.seqNo, multiaddrs, mixKey: record.mixKey }
}

/**
 * nwaku's `WakuPeerRecord` (waku/waku_rendezvous/waku_peer_record.nim), the record of
 * `/vac/waku/rendezvous/1.0.0`: domain `libp2p-custom-peer-record`, payload type the raw bytes
 * `0x30 0x00 0x00` (the private multicodec 0x300000); fields 1 peer ID bytes, 2 `seqNo` (unix seconds),
 * 3 raw multiaddr bytes (no AddressInfo wrapper), 4 the mix public key as a string. nwaku never checks the
 * envelope's key against field 1; {@link openPeerRecord} does, as for every format.
 */
export const wakuRecord: RecordFormat = Object.freeze({
  name: 'waku',
  domain: WAKU_RECORD_DOMAIN,
  payloadType: WAKU_RECORD_PAYLOAD_TYPE,
  // nwaku seals with getTime().toUnix(): seconds
  defaultSeq: () => BigInt(Math.floor(Date.now() / 1000)),
  encodePayload,
  decodePayload
})
