import { noise } from '@chainsafe/libp2p-noise'
import { circuitRelayServer, RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { RELAY_NAMESPACE } from '@rendezvous/cli'
import { rendezvousClient } from '@rendezvous/client'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { REPLY_PREFIX, sendChat } from '../src/index.ts'
import { call, startBrowser, startNodePeer, startRelayPoint } from './fixtures/setup.ts'
import type { BrowserHarness, NodePeer, RelayPoint } from './fixtures/setup.ts'
import type { Libp2p } from '@libp2p/interface'
import type { RendezvousClient } from '@rendezvous/client'

describe('any js-libp2p relay registered with @rendezvous/client is found by a Chromium page (docs/client.md)', function () {
  this.timeout(120_000)
  let point: RelayPoint
  let relay: Libp2p<{ rendezvous: RendezvousClient }>
  let browser: BrowserHarness
  let peer: NodePeer

  before(async () => {
    // a point that is no relay itself
    point = await startRelayPoint([], false)
    // as docs/client.md shows it
    relay = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] },
      transports: [tcp(), webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        relay: circuitRelayServer(),
        rendezvous: rendezvousClient({ points: [point.tcp] })
      }
    })
    await relay.services.rendezvous.register(RELAY_V2_HOP_CODEC)
    browser = await startBrowser()
    peer = await startNodePeer(point.tcp)
  })

  after(async () => {
    await peer?.node.stop()
    await browser?.close()
    await relay?.stop()
    await point?.stop()
  })

  it('reserves on it, registers behind it, and is reached through it', async () => {
    expect(RELAY_NAMESPACE).to.equal(RELAY_V2_HOP_CODEC)
    const page = await browser.openPage()
    const pagePeer = await call(page, 'start', { point: point.ws, webrtc: false })
    const found = await call(page, 'findRelay', RELAY_NAMESPACE)
    expect(found).to.include({ relay: relay.peerId.toString(), listed: 1 })
    await call(page, 'register', 'behind-a-js-relay')

    const { registrations } = await peer.node.services.rendezvous.discover('behind-a-js-relay')
    const address = registrations[0]?.multiaddrs.find(ma => !ma.toString().includes('/ws'))
    expect(address?.toString()).to.include(`/p2p/${relay.peerId.toString()}/p2p-circuit`)
    const connection = await peer.node.dial(address!.encapsulate(`/p2p/${pagePeer}`))
    expect(await sendChat(connection, 'through a js relay', AbortSignal.timeout(20_000))).to.equal(`${REPLY_PREFIX}through a js relay`)
  })
})
