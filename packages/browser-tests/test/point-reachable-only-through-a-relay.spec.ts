import { noise } from '@chainsafe/libp2p-noise'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { REPLY_PREFIX, sendChat } from '../src/index.ts'
import { call, startBrowser, startNodePeer, startRelayPoint } from './fixtures/setup.ts'
import type { BrowserHarness, NodePeer, RelayPoint } from './fixtures/setup.ts'
import type { Libp2p } from '@libp2p/interface'
import type { Page } from 'playwright-core'

describe('a rendezvous point reachable only through a relay serves a Chromium page and a Node peer', function () {
  this.timeout(120_000)
  let relay: RelayPoint
  let hidden: Libp2p
  let browser: BrowserHarness
  let page: Page
  let peer: NodePeer

  before(async () => {
    relay = await startRelayPoint()
    // no address of its own: only a reservation on the relay
    hidden = await createLibp2p({
      addresses: { listen: [`${relay.tcp}/p2p-circuit`] },
      transports: [tcp(), circuitRelayTransport()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        rendezvous: rendezvousServer({ store: memoryStore(), runOnLimitedConnection: true })
      }
    })
    browser = await startBrowser()
    page = await browser.openPage()
  })

  after(async () => {
    await peer?.node.stop()
    await browser?.close()
    await hidden?.stop()
    await relay?.stop()
  })

  it('takes a REGISTER from the page and a DISCOVER from the Node peer over relayed connections', async () => {
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

    peer = await startNodePeer(`${relay.tcp}/p2p-circuit/p2p/${hiddenId}`)
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
