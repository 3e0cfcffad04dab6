import { multiaddr } from '@multiformats/multiaddr'
import { encodeMessageFrame, openPeerRecord, sealPeerRecord } from '@rendezvous/codec'
import { check } from '../case.ts'
import { decodeFrameHex, toHex } from '../responses.ts'
import { answered } from './one-stream.ts'
import type { Case } from '../case.ts'
import type { DeviationId } from '../deviations.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

/** A REGISTER at the edge of what the protocol accepts, and the ttl it must be granted */
export interface RegisterEdge {
  id: string
  title: string
  ns: string
  /** Requested ttl; undefined leaves the field off the wire (0 in proto3) */
  ttl?: number
  granted: number
  addresses(): string[]
  /** A documented server deviation that refuses this REGISTER instead, with the status it answers */
  refusedBy?: { deviation: DeviationId, status: number }
}

/** 256 addresses of 8 bytes each (/ip4/…/tcp/…): exactly the 2048-byte cap */
function addressesOf2048Bytes (): string[] {
  return Array.from({ length: 256 }, (_, i) => `/ip4/127.0.0.1/tcp/${20_000 + i}`)
}

export const REGISTER_EDGES: readonly RegisterEdge[] = [
  {
    id: 'ns-256',
    title: 'namespace of 256 bytes',
    ns: 'n'.repeat(256),
    ttl: 20,
    granted: 20,
    addresses: () => ['/ip4/127.0.0.1/tcp/4001'],
    refusedBy: { deviation: 'namespace-256-refused', status: 100 }
  },
  { id: 'ttl-0', title: 'ttl 0 (absent) → 20', ns: 'edges', ttl: undefined, granted: 20, addresses: () => ['/ip4/127.0.0.1/tcp/4001'] },
  { id: 'ttl-1', title: 'ttl 1', ns: 'edges', ttl: 1, granted: 1, addresses: () => ['/ip4/127.0.0.1/tcp/4001'] },
  { id: 'addresses-2048', title: 'addresses of exactly 2048 bytes', ns: 'edges', ttl: 20, granted: 20, addresses: addressesOf2048Bytes }
]

async function registerFrame (dialect: Dialect, key: PrivateKey, edge: RegisterEdge): Promise<{ frame: string, envelope: Uint8Array }> {
  const envelope = await sealPeerRecord(key, edge.addresses().map(a => multiaddr(a)))
  return { frame: toHex(encodeMessageFrame(dialect, { type: 'REGISTER', ns: edge.ns, signedPeerRecord: envelope, ttl: edge.ttl })), envelope }
}

/** One REGISTER at an edge on a raw stream, then a DISCOVER of it on the same stream */
export function registerEdgeCase (edge: RegisterEdge): Case {
  return {
    id: `accept-${edge.id}`,
    title: `REGISTER accepted: ${edge.title}`,
    async run (ctx) {
      const client = await ctx.newClient()
      const { frame, envelope } = await registerFrame(ctx.dialect, client.privateKey, edge)
      const [registered, discovered] = await client.raw([{ op: 'frame', hex: frame }, { op: 'discover', ns: edge.ns, limit: 10 }], ctx)
      const answer = decodeFrameHex(ctx.dialect, answered(registered, 'REGISTER'), 'the REGISTER answer')
      check(answer.type === 'REGISTER_RESPONSE', `answered ${answer.type}, expected REGISTER_RESPONSE`)
      const refusal = edge.refusedBy
      if (refusal != null && ctx.server.implementation.serverDeviations.has(refusal.deviation)) {
        check(answer.status === refusal.status, `status ${answer.status} "${answer.statusText}": the documented refusal is ${refusal.status}`)
        return { verdict: 'deviation', detail: `refused: ${answer.status} "${answer.statusText}"` }
      }
      check(answer.status === 0, `refused: ${answer.status} "${answer.statusText}"`)
      check(answer.ttl === edge.granted, `granted ttl ${answer.ttl}, expected ${edge.granted}`)
      const found = decodeFrameHex(ctx.dialect, answered(discovered, 'DISCOVER'), 'the DISCOVER answer')
      check(found.type === 'DISCOVER_RESPONSE' && found.status === 0, 'the DISCOVER after it failed')
      check(found.registrations.length === 1 && toHex(found.registrations[0].signedPeerRecord) === toHex(envelope), 'the registration is not discoverable with the envelope sent')
      const record = await openPeerRecord(found.registrations[0].signedPeerRecord)
      return { verdict: 'pass', detail: `OK, ttl ${answer.ttl}, discoverable (${record.addressBytes} address bytes)` }
    }
  }
}

export const registerEdgeCases: readonly Case[] = REGISTER_EDGES.map(registerEdgeCase)
