import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { startNode } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { REPLY_PREFIX, sendChat } from '../src/index.ts'
import { call, relayScene, startNodePeer } from './fixtures/setup.ts'

describe('a rendezvous point reachable only through a relay serves a Chromium page and a Node peer', function () {
  this.timeout(120_000)
  const scene = relayScene()

  it('takes a REGISTER from the page and a DISCOVER from the Node peer over relayed connections', async () => {
    const relay = scene.point
    // no address of its own: only a reservation on the relay
    const hidden = scene.stopAfter(await startNode({
      addresses: { listen: [`${relay.tcp}/p2p-circuit`] },
      transports: [tcp(), circuitRelayTransport()],
      services: {
        identify: identify(),
        rendezvous: rendezvousServer({ store: memoryStore(), runOnLimitedConnection: true })
      }
    }))
    const page = await scene.browser.openPage()
    const hiddenId = hidden.peerId.toString()
    expect(hidden.getMultiaddrs().every(ma => ma.toString().includes('/p2p-circuit'))).to.be.true()

    const pagePeer = await call(page, 'start', { point: `${relay.ws}/p2p-circuit/p2p/${hiddenId}`, webrtc: false })
    // nobody there yet; dialling the point through the relay connected the page to the relay, where it
    // took a reservation
    expect(await call(page, 'discover', 'hidden-chat')).to.deep.equal([])
    await call(page, 'waitForReservation')
    await call(page, 'register', 'hidden-chat')
    const toPoint = (await call(page, 'openConnections')).find(c => c.peerId === hiddenId)
    expect(toPoint).to.include({ path: 'relay', limited: true, direction: 'outbound' })

    const peer = scene.stopAfter(await startNodePeer(`${relay.tcp}/p2p-circuit/p2p/${hiddenId}`))
    const { registrations } = await peer.node.services.rendezvous.discover('hidden-chat')
    expect(registrations.map(r => r.peerId.toString())).to.deep.equal([pagePeer])
    const address = registrations[0].multiaddrs.find(ma => !ma.toString().includes('/ws'))
    expect(address).to.not.equal(undefined)
    const connection = await peer.node.dial(address!.encapsulate(`/p2p/${pagePeer}`))
    expect(await sendChat(connection, 'found you through the relay', AbortSignal.timeout(20_000))).to.equal(`${REPLY_PREFIX}found you through the relay`)
    const received = await call(page, 'waitForMessages', 1, 20_000)
    expect(received[0]).to.include({ from: peer.node.peerId.toString(), text: 'found you through the relay' })
  })
})
