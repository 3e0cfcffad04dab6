import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** What every peer-record format carries, whatever its bytes */
export interface PeerRecordContent {
  peerId: PeerId
  /** Sequence number; later records of one peer carry higher numbers */
  seq: bigint
  multiaddrs: Multiaddr[]
  /** nwaku's mix public key (a `0x`-prefixed hex string); only the `waku` format carries it */
  mixKey?: string
}

/**
 * One signed peer-record format as a value: the signature domain and payload type of its envelope, and
 * how its payload is written and read. Three exist among rendezvous peers (docs/protocol.md, "Record
 * formats"): `standard` (RFC 0003), `rust-legacy` (rust-libp2p's default) and `waku` (nwaku's
 * `WakuPeerRecord`). The envelope around the payload is the same libp2p signed envelope for all three.
 */
export interface RecordFormat {
  /** A short stable name, kept with each registration: `standard`, `rust-legacy`, `waku` */
  readonly name: string
  /** The envelope's signature domain */
  readonly domain: string
  /** The envelope's payload type, exactly as written on the wire */
  readonly payloadType: Uint8Array
  /** The sequence number a node puts in a fresh record of this format when the caller gives none */
  defaultSeq (): bigint
  /** Write the payload */
  encodePayload (content: PeerRecordContent): Uint8Array
  /**
   * Read the payload
   *
   * @throws {InvalidPeerRecordError} when the bytes are not a record of this format
   */
  decodePayload (bytes: Uint8Array): PeerRecordContent
}
