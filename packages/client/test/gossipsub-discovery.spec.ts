import { gossipsub } from '@libp2p/gossipsub'
import { rendezvous, wakuV0 } from '@rendezvous/codec'
import { meshIsConnected, meshPeers, waitFor } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { rendezvousClient, rendezvousDiscovery } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import { startPoint } from './fixtures/points.ts'
import type { Libp2p } from '@libp2p/interface'

const topic = 'rendezvous-e2e'
const NODES = 8

type PubsubNode = Libp2p<{ pubsub: ReturnType<ReturnType<typeof gossipsub>>, rendezvous: unknown, identify: unknown }>

/** A gossipsub node that knows nothing but the points' addresses */
async function startPeer (points: string[]): Promise<PubsubNode> {
  const node = await createNode({
    pubsub: gossipsub({ heartbeatInterval: 200, fallbackToFloodsub: false }),
    rendezvous: rendezvousClient({ points, timeout: 5000 })
  }, {
    peerDiscovery: [rendezvousDiscovery({ namespaces: [topic], interval: 250, targetConnections: 4 })]
  })
  node.services.pubsub.subscribe(topic)
  return node as any
}

async function expectMessageReachesEveryone (nodes: PubsubNode[]): Promise<void> {
  const received = new Set<string>()
  const payload = new TextEncoder().encode(`hello from ${nodes[0].peerId.toString()}`)
  for (const node of nodes.slice(1)) {
    node.services.pubsub.addEventListener('message', evt => {
      if (evt.detail.topic === topic && new TextDecoder().decode(evt.detail.data) === new TextDecoder().decode(payload)) {
        received.add(node.peerId.toString())
      }
    })
  }
  await nodes[0].services.pubsub.publish(topic, payload)
  await waitFor(() => received.size === nodes.length - 1, { timeout: 20_000, what: 'the message to reach every subscriber' })
}

describe('gossipsub finds its mesh through rendezvous', function () {
  this.timeout(60_000)

  afterEach(async () => {
    await stopAll()
  })

  for (const dialect of [rendezvous, wakuV0]) {
    it(`${NODES} nodes that know only a ${dialect.protocol} point form one mesh and deliver a message to all`, async () => {
      const { address: point } = await startPoint([dialect])
      const nodes = await Promise.all(Array.from({ length: NODES }, async () => startPeer([point])))

      await waitFor(() => nodes.every(n => meshPeers(n, topic).length > 0) && meshIsConnected(nodes, topic), { timeout: 20_000, what: 'one mesh' })
      // nobody was given anyone's address: every connection beyond the point came from rendezvous
      for (const node of nodes) {
        const peers = node.getPeers().map(String).filter(p => nodes.some(n => n.peerId.toString() === p))
        expect(peers.length).to.be.greaterThan(0)
      }
      await expectMessageReachesEveryone(nodes)
    })
  }

  it('nodes split between two points find each other through both', async () => {
    const { address: first } = await startPoint([rendezvous])
    const { address: second } = await startPoint([rendezvous])
    const onFirst = await Promise.all(Array.from({ length: 3 }, async () => startPeer([first])))
    const onSecond = await Promise.all(Array.from({ length: 3 }, async () => startPeer([second])))
    const bridges = await Promise.all(Array.from({ length: 2 }, async () => startPeer([first, second])))
    const nodes = [...onFirst, ...bridges, ...onSecond]

    await waitFor(() => meshIsConnected(nodes, topic), { timeout: 20_000, what: 'one mesh across both points' })
    await expectMessageReachesEveryone([onFirst[0], ...nodes.filter(n => n !== onFirst[0])])
    await expectMessageReachesEveryone([onSecond[0], ...nodes.filter(n => n !== onSecond[0])])
  })
})
