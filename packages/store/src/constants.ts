/** The longest namespace a store accepts, in bytes of UTF-8 (the rendezvous spec's limit) */
export const MAX_NAMESPACE_BYTES = 255

/**
 * The longest peer ID string a store accepts, in bytes of UTF-8. A libp2p peer ID string is at most about
 * 60 characters (base58btc of an identity multihash of an Ed25519 or secp256k1 key, or of a SHA-256
 * multihash); the bound only keeps keys small for adapters that build composite keys from it.
 */
export const MAX_PEER_ID_BYTES = 128

/** The first position a fresh store assigns; positions are positive safe integers and `after: 0` means "from the start" */
export const FIRST_POSITION = 1

/** The longest record format name a store accepts, in bytes (`[a-z0-9-]`, so bytes and characters agree) */
export const MAX_FORMAT_BYTES = 32
