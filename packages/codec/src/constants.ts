/** Protocol ID of the libp2p rendezvous specification */
export const RENDEZVOUS_PROTOCOL = '/rendezvous/1.0.0'

/** Protocol ID of the legacy go-waku-rendezvous protocol */
export const WAKU_V0_PROTOCOL = '/vac/waku/rendezvous/0.0.1'

/** Protocol ID of nwaku's rendezvous (WAKU-RENDEZVOUS, nwaku since 2025-11) */
export const WAKU_V1_PROTOCOL = '/vac/waku/rendezvous/1.0.0'

/** Signature domain of libp2p peer records (RFC 0003) */
export const STANDARD_RECORD_DOMAIN = 'libp2p-peer-record'

/** Payload type of libp2p peer records: multicodec 0x0301 written as two raw bytes, not as a varint */
export const STANDARD_RECORD_PAYLOAD_TYPE = Uint8Array.from([0x03, 0x01])

/** Signature domain of rust-libp2p's own peer records */
export const RUST_LEGACY_RECORD_DOMAIN = 'libp2p-routing-state'

/** Payload type of rust-libp2p's own peer records: these ASCII bytes */
export const RUST_LEGACY_RECORD_PAYLOAD_TYPE = new TextEncoder().encode('/libp2p/routing-state-record')

/** Signature domain of nwaku's WakuPeerRecord (nim-libp2p's name of the private multicodec 0x300000) */
export const WAKU_RECORD_DOMAIN = 'libp2p-custom-peer-record'

/** Payload type of nwaku's WakuPeerRecord: multicodec 0x300000 as three raw big-endian bytes */
export const WAKU_RECORD_PAYLOAD_TYPE = Uint8Array.from([0x30, 0x00, 0x00])

/**
 * The largest request frame a point reads unless told otherwise (the server's `maxRequestBytes`); a dialect
 * may lower it (`limits.maxRequestBytes`: 4096 bytes for `waku/1.0.0`, what nwaku reads). Only `waku/0.0.1`
 * caps a record's addresses (2048 bytes); in the 1.0.0 dialects this limit is what bounds a REGISTER, whose
 * size is mostly its record's (the server refuses records above its `maxRecordBytes`, 4096 by default).
 * 16 KiB holds any record that limit lets through without letting a peer make the point buffer much.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024

/** A DISCOVER_RESPONSE with 1000 registrations is not small; Go peers accept up to 4 MiB */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024
