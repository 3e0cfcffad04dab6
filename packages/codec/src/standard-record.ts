import { PeerRecord } from '@libp2p/peer-record'
import { STANDARD_RECORD_DOMAIN, STANDARD_RECORD_PAYLOAD_TYPE } from './constants.ts'
import { InvalidPeerRecordError } from './errors.ts'
import type { PeerRecordContent, RecordFormat } from './record-format.ts'

/** The payload both libp2p formats share: `PeerRecord{peer_id=1, seq=2, addresses=3 (AddressInfo{multiaddr=1})}` */
export function encodePeerRecordPayload (content: PeerRecordContent): Uint8Array {
  return new PeerRecord({ peerId: content.peerId, multiaddrs: content.multiaddrs, seqNumber: content.seq }).marshal()
}

/** Read the payload both libp2p formats share */
export function decodePeerRecordPayload (bytes: Uint8Array): PeerRecordContent {
  try {
    const record = PeerRecord.createFromProtobuf(bytes)
    return { peerId: record.peerId, seq: record.seqNumber, multiaddrs: record.multiaddrs }
  } catch (err: any) {
    throw new InvalidPeerRecordError(`the payload is not a peer record: ${err.message}`)
  }
}

/**
 * The libp2p peer record of RFC 0003: domain `libp2p-peer-record`, payload type the two raw bytes
 * `0x03 0x01` (multicodec 0x0301, big-endian, not a varint). Go, JavaScript and Nim peers seal and read it.
 */
export const standardRecord: RecordFormat = Object.freeze({
  name: 'standard',
  domain: STANDARD_RECORD_DOMAIN,
  payloadType: STANDARD_RECORD_PAYLOAD_TYPE,
  // milliseconds, as js-libp2p seals its own records
  defaultSeq: () => BigInt(Date.now()),
  encodePayload: encodePeerRecordPayload,
  decodePayload: decodePeerRecordPayload
})
