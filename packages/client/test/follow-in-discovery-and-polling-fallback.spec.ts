import { rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { expect } from 'aegir/chai'
import { rendezvousClient, rendezvousDiscovery } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'

/** Resolves with the first `peer:discovery` of `wanted` at `node` */
async function discovers (node: Libp2p, wanted: PeerId, timeout = 20_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onPeer = (evt: CustomEvent<{ id: PeerId }>): void => {
      if (evt.detail.id.equals(wanted)) {
        done()
        resolve()
      }
    }
    const timer = setTimeout(() => { done(); reject(new Error(`${wanted.toString()} was not discovered in ${timeout} ms`)) }, timeout)
    const done = (): void => {
      clearTimeout(timer)
      node.removeEventListener('peer:discovery', onPeer)
    }
    node.addEventListener('peer:discovery', onPeer)
  })
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
