import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { Status, encodeMessageFrame, sealPeerRecord } from '@rendezvous/codec'
import { check } from '../case.ts'
import { decodeFrameHex, toHex } from '../responses.ts'
import { answered } from './one-stream.ts'
import type { Case } from '../case.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Dialect } from '@rendezvous/codec'

const ADDRESS = multiaddr('/ip4/127.0.0.1/tcp/4001')

/** One malformed REGISTER and the status both servers must answer it with */
export interface RegisterError {
  id: string
  title: string
  status: number
  /** The REGISTER of `dialect`, framed, to be sent by the peer that owns `key` */
  frame(key: PrivateKey, dialect: Dialect): Promise<Uint8Array>
}

function register (dialect: Dialect, ns: string, signedPeerRecord: Uint8Array | undefined, ttl?: number): Uint8Array {
  return encodeMessageFrame(dialect, { type: 'REGISTER', ns, signedPeerRecord, ttl })
}

/** A record sealed directly, because sealPeerRecord refuses what these cases need (no addresses) */
async function sealRaw (key: PrivateKey, multiaddrs: Multiaddr[]): Promise<Uint8Array> {
  const record = new PeerRecord({ peerId: peerIdFromPrivateKey(key), multiaddrs, seqNumber: BigInt(Date.now()) })
  return (await RecordEnvelope.seal(record, key)).marshal()
}

/** 300 addresses of 9 bytes each: 2700 bytes, over the 2048-byte cap */
function manyAddresses (): Multiaddr[] {
  return Array.from({ length: 300 }, (_, i) => multiaddr(`/ip4/127.0.0.1/tcp/${10_000 + i}`))
}

export const REGISTER_ERRORS: readonly RegisterError[] = [
  { id: 'ns-empty', title: 'namespace empty', status: Status.E_INVALID_NAMESPACE, frame: async (key, d) => register(d, '', await sealPeerRecord(key, [ADDRESS]), 20) },
  { id: 'ns-257', title: 'namespace of 257 bytes', status: Status.E_INVALID_NAMESPACE, frame: async (key, d) => register(d, 'n'.repeat(257), await sealPeerRecord(key, [ADDRESS]), 20) },
  { id: 'ttl-negative', title: 'ttl -1', status: Status.E_INVALID_TTL, frame: async (key, d) => register(d, 'errors', await sealPeerRecord(key, [ADDRESS]), -1) },
  { id: 'ttl-21', title: 'ttl 21', status: Status.E_INVALID_TTL, frame: async (key, d) => register(d, 'errors', await sealPeerRecord(key, [ADDRESS]), 21) },
  { id: 'record-missing', title: 'record missing', status: Status.E_INVALID_SIGNED_PEER_RECORD, frame: async (_, d) => register(d, 'errors', undefined, 20) },
  {
    id: 'forged-signature',
    title: 'forged signature',
    status: Status.E_INVALID_SIGNED_PEER_RECORD,
    frame: async (key, d) => {
      const envelope = await sealPeerRecord(key, [ADDRESS])
      // the signature is the envelope's last field: flip a bit of its last byte
      envelope[envelope.byteLength - 1] ^= 0x01
      return register(d, 'errors', envelope, 20)
    }
  },
  {
    id: 'other-peer',
    title: 'record of another peer',
    status: Status.E_INVALID_SIGNED_PEER_RECORD,
    frame: async (_, d) => register(d, 'errors', await sealPeerRecord(await generateKeyPair('Ed25519'), [ADDRESS]), 20)
  },
  { id: 'no-addresses', title: 'record without addresses', status: Status.E_INVALID_SIGNED_PEER_RECORD, frame: async (key, d) => register(d, 'errors', await sealRaw(key, []), 20) },
  { id: 'addresses-2048', title: 'addresses over 2048 bytes', status: Status.E_INVALID_SIGNED_PEER_RECORD, frame: async (key, d) => register(d, 'errors', await sealRaw(key, manyAddresses()), 20) }
]

/** One malformed REGISTER on a fresh stream; the answer must be REGISTER_RESPONSE with the expected status */
export function registerErrorCase (error: RegisterError): Case {
  return {
    id: `error-${error.id}`,
    title: `REGISTER error: ${error.title} → ${error.status}`,
    async run (ctx) {
      const client = await ctx.newClient()
      const frame = await error.frame(client.privateKey, ctx.dialect)
      const [result] = await client.raw([{ op: 'frame', hex: toHex(frame) }], ctx)
      const answer = decodeFrameHex(ctx.dialect, answered(result, 'REGISTER'), 'the answer')
      check(answer.type === 'REGISTER_RESPONSE', `answered ${answer.type}, expected REGISTER_RESPONSE`)
      check(answer.status === error.status, `status ${answer.status} "${answer.statusText}", expected ${error.status}`)
      check(answer.ttl == null || answer.ttl === 0, `a refusal carries ttl ${answer.ttl}`)
      return {
        verdict: 'pass',
        detail: `${answer.status} "${answer.statusText}"`,
        data: { status: answer.status, statusText: answer.statusText }
      }
    }
  }
}

export const registerErrorCases: readonly Case[] = REGISTER_ERRORS.map(registerErrorCase)
