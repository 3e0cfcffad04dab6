import { noise } from '@chainsafe/libp2p-noise'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { rendezvousClient, rendezvousDiscovery } from '@rendezvous/client'
import { createLibp2p } from 'libp2p'
import { nextEvent, startPoints, stopAll } from './nodes.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p } from '@libp2p/interface'

const TOPIC = 'mesh-bench'

type PubsubNode = Libp2p<{ identify: unknown, pubsub: GossipSub, rendezvous: unknown }>

/** What forming one mesh took */
export interface MeshResult {
  peers: number
  /** Ms from starting the peers to their mesh links reaching every peer, or `undefined` when it did not in time */
  ms?: number
  /** Ms from starting the peers to every peer having discovered every other one, or `undefined` when not in time */
  discoveredMs?: number
}

/** The service has the mesh; the exported interface leaves it out */
function meshPeers (node: PubsubNode): string[] {
  return (node.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(TOPIC)
}

/** Whether every peer has a mesh link and the links connect all of them */
function meshFormed (nodes: PubsubNode[]): boolean {
  const index = new Map(nodes.map((n, i) => [n.peerId.toString(), i]))
  const seen = new Set([0])
  const queue = [0]
  while (queue.length > 0) {
    const i = queue.shift() ?? 0
    for (const peer of meshPeers(nodes[i])) {
      const j = index.get(peer)
      if (j != null && !seen.has(j)) {
        seen.add(j)
        queue.push(j)
      }
    }
  }
  return seen.size === nodes.length
}

/**
 * Gossipsub mesh formation: `count` peers that know only a rendezvous point start together, register under
 * the topic and find each other through `rendezvousDiscovery` (following the namespace, or polling it every
 * `interval` ms), each dialing up to `targetConnections` of them; the time until their mesh links connect all
 * of them, and until each has discovered every other, at most `maxSeconds`. All peers share this process's
 * one thread, so their handshakes compete for it.
 */
export async function measureMeshFormation (count: number, follow: boolean, interval: number, maxSeconds: number, targetConnections = 6): Promise<MeshResult> {
  const [point] = await startPoints(1, () => {})
  const address = point.node.getMultiaddrs()[0]
  const nodes = await Promise.all(Array.from({ length: count }, async () => {
    const node = await createLibp2p({
      start: false,
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [rendezvousDiscovery({ namespaces: [TOPIC], interval, follow, targetConnections })],
      services: {
        identify: identify(),
        // every peer is on 127.0.0.1: gossipsub's IP colocation penalty would prune them all past 10 peers
        pubsub: gossipsub({ scoreParams: { IPColocationFactorWeight: 0 } }),
        rendezvous: rendezvousClient({ points: [address] })
      }
    }) as PubsubNode
    return node
  }))
  // a mesh changes when a peer grafts another: look again at each graft of any peer (and at least each second)
  const changes = new EventTarget()
  const discovered = nodes.map(() => new Set<string>())
  let discoveredMs: number | undefined
  nodes.forEach((node, i) => {
    node.services.pubsub.addEventListener('gossipsub:graft', () => { changes.dispatchEvent(new Event('change')) })
    node.addEventListener('peer:discovery', evt => {
      discovered[i].add(evt.detail.id.toString())
      if (discoveredMs == null && discovered.every(d => d.size >= count - 1)) {
        discoveredMs = performance.now() - started
        changes.dispatchEvent(new Event('change'))
      }
    })
  })
  // a fleet that boots together (a deployment rolling out): the first DISCOVERs race the REGISTERs
  const started = performance.now()
  await Promise.all(nodes.map(async node => {
    await node.start()
    node.services.pubsub.subscribe(TOPIC)
  }))
  try {
    const deadline = started + maxSeconds * 1000
    let ms: number | undefined
    // bounded by the deadline; `discoveredMs` is set by the discovery listeners above
    for (let now = performance.now(); now < deadline; now = performance.now()) {
      if (ms == null && meshFormed(nodes)) {
        ms = now - started
      }
      if (ms != null && discoveredMs != null) {
        break
      }
      await nextEvent(changes, 'change', Math.min(1000, deadline - now))
    }
    return { peers: count, ms, discoveredMs }
  } finally {
    await stopAll([...nodes, point.node])
  }
}
