import { RELAY_NAMESPACE } from '@rendezvous/cli'
import { expect } from 'aegir/chai'
import { REPLY_PREFIX, sendChat } from '../src/index.ts'
import { call, relayScene, startNodePeer } from './fixtures/setup.ts'

describe('a Chromium page finds a relay through the point, registers behind it, and a Node peer reaches it', function () {
  this.timeout(120_000)
  const scene = relayScene()

  it('discovers the daemon under the relay namespace, reserves on it, registers, is reached over the relay and chats', async () => {
    const { point } = scene
    const page = await scene.browser.openPage()
    const peer = scene.stopAfter(await startNodePeer(point.tcp))
    const pagePeer = await call(page, 'start', { point: point.ws, webrtc: false })

    // the relay advertised itself at its own point
    const relay = await call(page, 'findRelay', RELAY_NAMESPACE)
    expect(relay.relay).to.equal(point.daemon.peerId)
    expect(relay.listed).to.equal(1)
    expect(relay.circuitAddresses).to.not.be.empty()
    for (const address of relay.circuitAddresses) {
      expect(address).to.include(`/p2p/${point.daemon.peerId}/p2p-circuit`)
    }
    const reservations = [...(point.daemon.node.services.relay?.reservations.keys() ?? [])].map(p => p.toString())
    expect(reservations).to.include(pagePeer)

    const registered = await call(page, 'register', 'browser-chat')
    expect(registered.every(a => a.includes('/p2p-circuit'))).to.be.true()

    // the Node peer knows nothing but the point: it finds the page there and dials it through the relay
    const { registrations } = await peer.node.services.rendezvous.discover('browser-chat')
    expect(registrations.map(r => r.peerId.toString())).to.deep.equal([pagePeer])
    const relayed = registrations[0].multiaddrs.filter(ma => ma.toString().includes('/tcp/') && !ma.toString().includes('/ws'))
    expect(relayed).to.not.be.empty()
    const connection = await peer.node.dial(relayed[0].encapsulate(`/p2p/${pagePeer}`))
    expect(connection.remoteAddr.toString()).to.include('/p2p-circuit')
    expect(connection.limits).to.not.equal(undefined)

    const reply = await sendChat(connection, 'hello from node', AbortSignal.timeout(20_000))
    expect(reply).to.equal(`${REPLY_PREFIX}hello from node`)

    // what happened inside the page
    const received = await call(page, 'waitForMessages', 1, 20_000)
    expect(received).to.have.lengthOf(1)
    expect(received[0]).to.include({ from: peer.node.peerId.toString(), text: 'hello from node' })
    expect(received[0].remoteAddr).to.include('/p2p-circuit')
    const connections = await call(page, 'connections')
    expect(connections.find(c => c.peerId === point.daemon.peerId)).to.include({ path: 'direct', direction: 'outbound' })
    expect(connections.find(c => c.peerId === peer.node.peerId.toString())).to.include({ path: 'relay', direction: 'inbound', limited: true })

    // and the page can answer on the same relayed connection
    const back = await call(page, 'chat', peer.node.peerId.toString(), 'hello from the page')
    expect(back).to.equal(`${REPLY_PREFIX}hello from the page`)
    expect(peer.inbox.received.map(m => m.text)).to.deep.equal(['hello from the page'])
  })
})
