import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { rendezvousClient, rendezvousDiscovery } from '@rendezvous/client'
import { meshIsConnected, startNode, stopAll } from '@rendezvous/test-utils'
import { nextEvent, startPoints } from './nodes.ts'
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
    const node = await startNode({
      start: false,
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
      if (ms == null && meshIsConnected(nodes, TOPIC)) {
        ms = now - started
      }
      if (ms != null && discoveredMs != null) {
        break
      }
      await nextEvent(changes, 'change', Math.min(1000, deadline - now))
    }
    return { peers: count, ms, discoveredMs }
  } finally {
    await stopAll(...nodes, point.node)
  }
}
