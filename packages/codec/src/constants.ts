/** Protocol ID of the libp2p rendezvous specification */
export const RENDEZVOUS_PROTOCOL = '/rendezvous/1.0.0'

/** Protocol ID of the legacy go-waku-rendezvous protocol */
export const WAKU_RENDEZVOUS_PROTOCOL = '/vac/waku/rendezvous/0.0.1'

/** Signature domain of libp2p peer records (RFC 0003) */
export const PEER_RECORD_DOMAIN = 'libp2p-peer-record'

/** Payload type of libp2p peer records: multicodec 0x0301 written as two raw bytes, not as a varint */
export const PEER_RECORD_PAYLOAD_TYPE = Uint8Array.from([0x03, 0x01])

/**
 * Requests are small: a REGISTER carries at most 2048 bytes of addresses plus a key and a signature
 * (an RSA key and signature add about 600 bytes). 16 KiB leaves room without letting a peer make the
 * server buffer much.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024

/** A DISCOVER_RESPONSE with 1000 registrations is not small; Go peers accept up to 4 MiB */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024

/** An unsigned varint that encodes a length below 2^53 needs at most 8 bytes; protobuf allows 10 */
export const MAX_VARINT_BYTES = 10
