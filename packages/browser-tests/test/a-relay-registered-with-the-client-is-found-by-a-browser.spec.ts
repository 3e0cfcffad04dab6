import { circuitRelayServer, RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { RELAY_NAMESPACE } from '@rendezvous/cli'
import { rendezvousClient } from '@rendezvous/client'
import { startNode } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { REPLY_PREFIX, sendChat } from '../src/index.ts'
import { call, relayScene, startNodePeer } from './fixtures/setup.ts'

describe('any js-libp2p relay registered with @rendezvous/client is found by a Chromium page (docs/client.md)', function () {
  this.timeout(120_000)
  // a point that is no relay itself
  const scene = relayScene({ relay: false })

  it('reserves on it, registers behind it, and is reached through it', async () => {
    const { point } = scene
    // as docs/client.md shows it, on loopback (startNode adds the noise and yamux it lists)
    const relay = scene.stopAfter(await startNode({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] },
      transports: [tcp(), webSockets()],
      services: {
        identify: identify(),
        relay: circuitRelayServer(),
        rendezvous: rendezvousClient({ points: [point.tcp] })
      }
    }))
    await relay.services.rendezvous.register(RELAY_V2_HOP_CODEC)
    const peer = scene.stopAfter(await startNodePeer(point.tcp))

    expect(RELAY_NAMESPACE).to.equal(RELAY_V2_HOP_CODEC)
    const page = await scene.browser.openPage()
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
