import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { rendezvousClient } from '@rendezvous/client'
import { federationPubsub, rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { startNode } from '@rendezvous/test-utils'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { RendezvousClient } from '@rendezvous/client'
import type { RendezvousServer, RendezvousServerInit } from '@rendezvous/server'
import type { NewRegistration, Registration, RegistrationStore, UpsertOptions } from '@rendezvous/store'

export type PointNode = Libp2p<{ identify: unknown, pubsub: GossipSub, rendezvous: RendezvousServer }>
export type ClientNode = Libp2p<{ identify: unknown, rendezvous: RendezvousClient }>

/** A memory store that calls `onStored` with the time each upsert completed */
export function timedStore (onStored: (registration: Registration, at: number) => void): RegistrationStore {
  const store = memoryStore()
  const upsert = store.upsert.bind(store)
  store.upsert = async (registration: NewRegistration, options?: UpsertOptions): Promise<Registration> => {
    const stored = await upsert(registration, options)
    onStored(stored, performance.now())
    return stored
  }
  return store
}

export interface FederatedPoint {
  node: PointNode
  store: RegistrationStore
  peerId: PeerId
}

/**
 * `count` federated points on 127.0.0.1 (not yet connected), each with a store that reports to
 * `onStored(index, …)`; with `start: false` they are created but not started
 */
export async function startPoints (count: number, onStored: (point: number, registration: Registration, at: number) => void, init: Partial<RendezvousServerInit> = {}, start = true): Promise<FederatedPoint[]> {
  const keys = await Promise.all(Array.from({ length: count }, async () => generateKeyPair('Ed25519')))
  const members = keys.map(k => peerIdFromPrivateKey(k))
  return Promise.all(keys.map(async (privateKey, i) => {
    const store = timedStore((r, at) => { onStored(i, r, at) })
    const node = await startNode({
      start,
      privateKey,
      connectionManager: { inboundConnectionThreshold: 10_000, maxIncomingPendingConnections: 1000, maxConnections: 1000 },
      services: {
        identify: identify(),
        pubsub: federationPubsub(),
        rendezvous: rendezvousServer({ store, ttl: { min: 60 }, ...init, federation: { name: 'bench', members, redialInterval: 0 } })
      }
    }) as PointNode
    return { node, store, peerId: members[i] }
  }))
}

/** Connect every pair of points and resolve once each sees all the others on the federation topic */
export async function meshPoints (points: FederatedPoint[], timeout = 20_000): Promise<void> {
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      await points[i].node.dial(points[j].node.getMultiaddrs())
    }
  }
  const deadline = performance.now() + timeout
  for (const point of points) {
    const topic = point.node.services.rendezvous.federation?.topic ?? ''
    const others = points.filter(p => p !== point).map(p => p.peerId.toString())
    while (!others.every(o => point.node.services.pubsub.getSubscribers(topic).some(s => s.toString() === o))) {
      if (performance.now() > deadline) {
        throw new Error('the federation topic did not form')
      }
      await nextEvent(point.node.services.pubsub, 'subscription-change', deadline - performance.now())
    }
  }
}

/** Resolves at the next `name` event of `target`, or after `ms` (whichever is first) */
export async function nextEvent (target: EventTarget, name: string, ms: number): Promise<void> {
  await new Promise<void>(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      target.removeEventListener(name, done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    target.addEventListener(name, done, { once: true })
  })
}

/** A client node whose rendezvous client knows `points` */
export async function startClient (points: FederatedPoint[] | PointNode[]): Promise<ClientNode> {
  return startNode({
    services: {
      identify: identify(),
      rendezvous: rendezvousClient({ points: points.map(p => ('node' in p ? p.node : p).getMultiaddrs()[0]) })
    }
  }) as Promise<ClientNode>
}
