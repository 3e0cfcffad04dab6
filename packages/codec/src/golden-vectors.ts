import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import type { RendezvousMessage } from './messages.ts'

/**
 * A byte-exact frame of one dialect and the message it carries. Other implementations can test
 * against these too: each `frame` is the full length-prefixed frame, in lowercase hex.
 */
export interface GoldenVector {
  name: string
  dialect: 'rendezvous/1.0.0' | 'waku/0.0.1' | 'waku/1.0.0'
  /** Length-prefixed frame, hex */
  frame: string
  /** What the frame decodes to */
  message: RendezvousMessage
}

/**
 * A real signed peer record (178 bytes): the Ed25519 key whose 32-byte seed is 0x01, 0x02 … 0x20
 * (peer 12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf), seq 1, addresses
 * /ip4/127.0.0.1/tcp/4001 and /ip4/127.0.0.1/tcp/4002/ws. Ed25519 signatures are deterministic,
 * so sealing the same record again gives these bytes.
 */
export const GOLDEN_ENVELOPE_HEX = '0a240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664120203011a440a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a0a0a08047f000001060fa11a0c0a0a047f000001060fa2dd032a40eb1c827839e4cd8398fd2292cc1a4b7ad1f75fc8f18817154e68ad82bc7e7466b156d8a8f7ff006678e53c191411f507729c3ea12367a5a5c54c50fce103980c'

const ENVELOPE = uint8ArrayFromString(GOLDEN_ENVELOPE_HEX, 'base16')

/**
 * nwaku's `WakuPeerRecord` in its envelope (231 bytes), for the same key: seq 1, address /ip4/127.0.0.1/tcp/4001,
 * mix key "0xa0a1…bf" (the 0x-prefixed hex of the 32 bytes 0xa0…0xbf). test/record-formats-are-byte-exact.spec.ts
 * rebuilds it field by field from nwaku's encoder.
 */
export const GOLDEN_WAKU_ENVELOPE_HEX = '0a240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966412033000001a780a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a08047f000001060fa122423078613061316132613361346135613661376138613961616162616361646165616662306231623262336234623562366237623862396261626262636264626562662a40566526f6a901f3807055890b677ddd3109f4c9d9c439b9c96483cc3a899e21538f178c91e1737bbedaa3b9db96cb869c134fa546657f1615dd615c327eef010f'

/**
 * rust-libp2p's own record for the same key (seq 1, /ip4/127.0.0.1/tcp/4001): domain `libp2p-routing-state`,
 * payload type `/libp2p/routing-state-record`, the standard payload
 */
export const GOLDEN_RUST_ENVELOPE_HEX = '0a240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664121c2f6c69627032702f726f7574696e672d73746174652d7265636f72641a360a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a0a0a08047f000001060fa12a40706284fe20cd1ae8d5812ebe3b464fa5ab9f0299160474455c01d2a6a423532fd1e6bcbf2b62b9b78beac2d09c00c68cb429f34dbb423706de6e2af4fb149808'

const WAKU_ENVELOPE = uint8ArrayFromString(GOLDEN_WAKU_ENVELOPE_HEX, 'base16')

// 08 00 (type REGISTER), 12 f6 01 (register, 246 bytes): 0a 08 "rs/1/mix", 12 e7 01 (the 231-byte envelope), 18 3c (ttl 60)
const WAKU_REGISTER_FRAME = 'fb01' + '0800' + '12f601' + '0a0872732f312f6d6978' + '12e701' + GOLDEN_WAKU_ENVELOPE_HEX + '183c'

/**
 * Frames of the three dialects. The 0.0.1 frames are the Go reference's exact encoding (proto3 leaves
 * zero values off the wire); the 1.0.0 frames (both `/rendezvous/1.0.0` and nwaku's) always carry `type` and `status`.
 */
export const goldenVectors: readonly GoldenVector[] = [
  {
    name: 'waku DISCOVER ns "foo" limit 50',
    dialect: 'waku/0.0.1',
    frame: '0b080222070a03666f6f1032',
    message: { type: 'DISCOVER', ns: 'foo', limit: 50 }
  },
  {
    name: 'waku DISCOVER ns "" limit 0 (all fields zero, body still present)',
    dialect: 'waku/0.0.1',
    frame: '0408022200',
    message: { type: 'DISCOVER', ns: '', limit: 0 }
  },
  {
    name: 'waku REGISTER ns "foo" ttl 20 with a 178-byte Ed25519 envelope (no type field: REGISTER is 0)',
    dialect: 'waku/0.0.1',
    frame: 'bf0112bc010a03666f6f12b2010a240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664120203011a440a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a0a0a08047f000001060fa11a0c0a0a047f000001060fa2dd032a40eb1c827839e4cd8398fd2292cc1a4b7ad1f75fc8f18817154e68ad82bc7e7466b156d8a8f7ff006678e53c191411f507729c3ea12367a5a5c54c50fce103980c1814',
    message: { type: 'REGISTER', ns: 'foo', signedPeerRecord: ENVELOPE, ttl: 20 }
  },
  {
    name: 'waku REGISTER_RESPONSE OK ttl 20 (no status field: OK is 0)',
    dialect: 'waku/0.0.1',
    frame: '0608011a021814',
    message: { type: 'REGISTER_RESPONSE', status: 0, statusText: '', ttl: 20 }
  },
  {
    name: 'waku REGISTER_RESPONSE E_INVALID_TTL "bad ttl" (no ttl field)',
    dialect: 'waku/0.0.1',
    frame: '0f08011a0b086612076261642074746c',
    message: { type: 'REGISTER_RESPONSE', status: 102, statusText: 'bad ttl', ttl: 0 }
  },
  {
    name: 'waku REGISTER_RESPONSE E_INVALID_PEER_INFO "peer id mismatch"',
    dialect: 'waku/0.0.1',
    frame: '1808011a140865121070656572206964206d69736d61746368',
    message: { type: 'REGISTER_RESPONSE', status: 101, statusText: 'peer id mismatch', ttl: 0 }
  },
  {
    name: 'waku DISCOVER_RESPONSE OK, no registrations',
    dialect: 'waku/0.0.1',
    frame: '0408032a00',
    message: { type: 'DISCOVER_RESPONSE', status: 0, statusText: '', registrations: [] }
  },
  {
    name: 'waku DISCOVER_RESPONSE OK, one registration with the granted ttl',
    dialect: 'waku/0.0.1',
    frame: 'c40108032abf010abc010a03666f6f12b2010a240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664120203011a440a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a0a0a08047f000001060fa11a0c0a0a047f000001060fa2dd032a40eb1c827839e4cd8398fd2292cc1a4b7ad1f75fc8f18817154e68ad82bc7e7466b156d8a8f7ff006678e53c191411f507729c3ea12367a5a5c54c50fce103980c1814',
    message: { type: 'DISCOVER_RESPONSE', status: 0, statusText: '', registrations: [{ ns: 'foo', signedPeerRecord: ENVELOPE, ttl: 20 }] }
  },
  {
    name: '1.0.0 REGISTER ns "foo" ttl 7200 (type written although 0)',
    dialect: 'rendezvous/1.0.0',
    frame: 'c201080012bd010a03666f6f12b2010a240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664120203011a440a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a0a0a08047f000001060fa11a0c0a0a047f000001060fa2dd032a40eb1c827839e4cd8398fd2292cc1a4b7ad1f75fc8f18817154e68ad82bc7e7466b156d8a8f7ff006678e53c191411f507729c3ea12367a5a5c54c50fce103980c18a038',
    message: { type: 'REGISTER', ns: 'foo', signedPeerRecord: ENVELOPE, ttl: 7200 }
  },
  {
    name: '1.0.0 REGISTER_RESPONSE OK ttl 7200 (status written although 0)',
    dialect: 'rendezvous/1.0.0',
    frame: '0908011a05080018a038',
    message: { type: 'REGISTER_RESPONSE', status: 0, statusText: '', ttl: 7200 }
  },
  {
    name: '1.0.0 REGISTER_RESPONSE E_INVALID_TTL "bad ttl"',
    dialect: 'rendezvous/1.0.0',
    frame: '0f08011a0b086612076261642074746c',
    message: { type: 'REGISTER_RESPONSE', status: 102, statusText: 'bad ttl', ttl: undefined }
  },
  {
    name: '1.0.0 UNREGISTER ns "foo"',
    dialect: 'rendezvous/1.0.0',
    frame: '09080222050a03666f6f',
    message: { type: 'UNREGISTER', ns: 'foo' }
  },
  {
    name: '1.0.0 DISCOVER ns "foo" limit 50 with a cookie',
    dialect: 'rendezvous/1.0.0',
    frame: '1008032a0c0a03666f6f10321a03010203',
    message: { type: 'DISCOVER', ns: 'foo', limit: 50, cookie: Uint8Array.from([1, 2, 3]) }
  },
  {
    name: '1.0.0 DISCOVER every namespace (ns absent) limit 100, no cookie',
    dialect: 'rendezvous/1.0.0',
    frame: '0608032a021064',
    message: { type: 'DISCOVER', ns: '', limit: 100, cookie: undefined }
  },
  {
    name: '1.0.0 DISCOVER_RESPONSE OK, one registration, remaining ttl and a cookie',
    dialect: 'rendezvous/1.0.0',
    frame: 'cc01080432c7010abd010a03666f6f12b2010a240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664120203011a440a2600240801122079b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad04966410011a0a0a08047f000001060fa11a0c0a0a047f000001060fa2dd032a40eb1c827839e4cd8398fd2292cc1a4b7ad1f75fc8f18817154e68ad82bc7e7466b156d8a8f7ff006678e53c191411f507729c3ea12367a5a5c54c50fce103980c18963812030102031800',
    message: { type: 'DISCOVER_RESPONSE', status: 0, statusText: '', registrations: [{ ns: 'foo', signedPeerRecord: ENVELOPE, ttl: 7190 }], cookie: Uint8Array.from([1, 2, 3]) }
  },
  {
    name: '1.0.0 DISCOVER_RESPONSE OK, no registrations, still a cookie (Rust clients require one)',
    dialect: 'rendezvous/1.0.0',
    frame: '0b0804320712030102031800',
    message: { type: 'DISCOVER_RESPONSE', status: 0, statusText: '', registrations: [], cookie: Uint8Array.from([1, 2, 3]) }
  },
  {
    name: '1.0.0 DISCOVER_RESPONSE E_INVALID_COOKIE "invalid cookie"',
    dialect: 'rendezvous/1.0.0',
    frame: '16080432121867220e696e76616c696420636f6f6b6965',
    message: { type: 'DISCOVER_RESPONSE', status: 103, statusText: 'invalid cookie', registrations: [], cookie: undefined }
  },
  // nwaku (nim-libp2p's rendezvous.nim, protobuf.nim): proto2, every present field written; a REGISTER from
  // nwaku's `advertise` carries ns, the envelope and ttl; errors carry `text: Opt.some("")`
  {
    name: 'nwaku REGISTER ns "rs/1/mix" ttl 60 with a WakuPeerRecord envelope',
    dialect: 'waku/1.0.0',
    frame: WAKU_REGISTER_FRAME,
    message: { type: 'REGISTER', ns: 'rs/1/mix', signedPeerRecord: WAKU_ENVELOPE, ttl: 60 }
  },
  {
    name: 'nwaku REGISTER_RESPONSE OK ttl 60 (sendRegisterResponse: status and ttl, no text)',
    dialect: 'waku/1.0.0',
    frame: '0808011a040800183c',
    message: { type: 'REGISTER_RESPONSE', status: 0, statusText: '', ttl: 60 }
  },
  {
    name: 'nwaku REGISTER_RESPONSE E_INVALID_TTL with an empty text written (sendRegisterResponseError)',
    dialect: 'waku/1.0.0',
    frame: '0808011a0408661200',
    message: { type: 'REGISTER_RESPONSE', status: 102, statusText: '', ttl: undefined }
  },
  {
    name: 'nwaku REGISTER_RESPONSE E_INVALID_SIGNED_PEER_RECORD "Bad Peer ID" (checkWakuPeerRecord)',
    dialect: 'waku/1.0.0',
    frame: '1308011a0f0865120b4261642050656572204944',
    message: { type: 'REGISTER_RESPONSE', status: 101, statusText: 'Bad Peer ID', ttl: undefined }
  },
  {
    name: 'nwaku DISCOVER ns "rs/1/mix" limit 12 (PeersRequestedCount), no cookie yet',
    dialect: 'waku/1.0.0',
    frame: '1008032a0c0a0872732f312f6d6978100c',
    message: { type: 'DISCOVER', ns: 'rs/1/mix', limit: 12, cookie: undefined }
  }
]
