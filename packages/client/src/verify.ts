import { openPeerRecord } from '@rendezvous/codec'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Registration } from '@rendezvous/codec'

/** A registration whose signed peer record was opened and verified by the client */
export interface DiscoveredRegistration {
  /** The registered peer; the key that signed the record is this peer's */
  peerId: PeerId
  /** Its addresses, from the verified record */
  multiaddrs: Multiaddr[]
  /** TTL in seconds as the point reported it (remaining in 1.0.0, as granted in 0.0.1), if it did */
  ttl?: number
  /** The namespace (the requested one when the point left it empty) */
  namespace: string
  /** The signed envelope as received */
  signedPeerRecord: Uint8Array
  /** The record's sequence number */
  seq: bigint
  /** The record's format: `standard`, `rust-legacy` or `waku` */
  format: string
  /** The point that returned it */
  point: PeerId
}
export interface VerifyOptions extends AbortOptions {
  /** Called once per dropped registration with the reason: a codec error's name, or `NamespaceMismatch` */
  onDrop(reason: string): void
}

/**
 * Open and verify the records of a DISCOVER_RESPONSE: the signature is valid, the envelope's key is the
 * record's peer, and the registration is for the namespace asked for (a point may not smuggle a record
 * from another namespace in). Registrations that fail are dropped, in order, and reported to `onDrop`.
 */
export async function verifyRegistrations (registrations: Registration[], namespace: string, point: PeerId, options: VerifyOptions): Promise<DiscoveredRegistration[]> {
  const verified = await Promise.all(registrations.map(async (registration): Promise<DiscoveredRegistration | undefined> => {
    if (registration.ns !== '' && namespace !== '' && registration.ns !== namespace) {
      options.onDrop('NamespaceMismatch')
      return undefined
    }
    try {
      const record = await openPeerRecord(registration.signedPeerRecord, { signal: options.signal })
      return {
        peerId: record.peerId,
        multiaddrs: record.multiaddrs,
        ttl: registration.ttl != null && registration.ttl > 0 ? registration.ttl : undefined,
        namespace: registration.ns === '' ? namespace : registration.ns,
        signedPeerRecord: registration.signedPeerRecord,
        seq: record.seq,
        format: record.format.name,
        point
      }
    } catch (err: any) {
      if (options.signal?.aborted === true) {
        throw err
      }
      options.onDrop(typeof err?.name === 'string' ? err.name : 'Error')
      return undefined
    }
  }))
  return verified.filter(r => r != null)
}
