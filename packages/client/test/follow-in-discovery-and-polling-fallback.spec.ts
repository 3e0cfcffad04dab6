import { rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { rendezvousClient, rendezvousDiscovery } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

/** Resolves with the first `peer:discovery` of `wanted` at `node` */
async function discovers (node: Libp2p, wanted: PeerId): Promise<void> {
  await waitForEvent<CustomEvent<{ id: PeerId }>>(node, 'peer:discovery', { accept: evt => evt.detail.id.equals(wanted), timeout: 20_000, what: `the discovery of ${wanted.toString()}` })
}

async function startPeer (point: Libp2p<any>, interval: number): Promise<Libp2p> {
  return createNode({ rendezvous: rendezvousClient({ points: [point.getMultiaddrs()[0]] }) }, {
    peerDiscovery: [rendezvousDiscovery({ namespaces: ['mesh'], interval, targetConnections: 0 })]
  })
}

describe('rendezvousDiscovery follows the namespace where the point can, and polls where it cannot', function () {
  this.timeout(60_000)
  afterEach(stopAll)

  it('a peer that registers after the first poll is discovered without waiting for the next one', async () => {
    const point = await createNode({ rendezvous: rendezvousServer({ store: memoryStore() }) })
    // polling alone would find the second peer only a minute later
    const first = await startPeer(point, 60_000)
    // whether the follow stream opens before or after the second peer registers, it is pushed: live, or in the backlog
    const second = await startPeer(point, 60_000)
    await discovers(first, second.peerId)
    expect(point.services.rendezvous.stats().follow?.pushed).to.be.at.least(1)
  })

  it('a point without the follow protocol is polled, with cookies', async () => {
    const point = await createNode({ rendezvous: rendezvousServer({ store: memoryStore(), maxFollowers: 0 }) })
    const first = await startPeer(point, 200)
    const second = await startPeer(point, 200)
    await discovers(first, second.peerId)
    expect(point.services.rendezvous.stats().follow).to.equal(undefined)
    expect(Object.keys(point.services.rendezvous.stats().requests).some(k => k.startsWith('rendezvous/1.0.0 DISCOVER OK'))).to.equal(true)
  })
})
