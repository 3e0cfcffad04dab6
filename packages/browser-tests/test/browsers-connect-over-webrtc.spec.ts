import { RELAY_NAMESPACE } from '@rendezvous/cli'
import { expect } from 'aegir/chai'
import { REPLY_PREFIX } from '../src/index.ts'
import { call, relayScene } from './fixtures/setup.ts'

describe('two Chromium pages find each other through the point and connect directly over WebRTC', function () {
  this.timeout(120_000)
  const scene = relayScene()

  it('signals WebRTC over the relay, then chats over the direct connection', async function () {
    const { point } = scene
    const alice = await scene.browser.openPage()
    const bob = await scene.browser.openPage()
    const alicePeer = await call(alice, 'start', { point: point.ws })
    const bobPeer = await call(bob, 'start', { point: point.ws })
    for (const page of [alice, bob]) {
      const relay = await call(page, 'findRelay', RELAY_NAMESPACE)
      expect(relay.relay).to.equal(point.daemon.peerId)
    }
    const registered = await call(alice, 'register', 'browser-pair')
    // alice is reachable through the relay, and over WebRTC signalled through it
    expect(registered.some(a => a.endsWith('/p2p-circuit') || a.includes('/p2p-circuit/p2p/'))).to.be.true()
    expect(registered.some(a => a.includes('/p2p-circuit/webrtc'))).to.be.true()
    await call(bob, 'register', 'browser-pair')

    const reached = await call(bob, 'reach', 'browser-pair', true)
    expect(reached.peerId).to.equal(alicePeer)
    // the path the chat takes, and why WebRTC was not had if it was not
    // the report names the path taken (and why WebRTC was not had, if it was not)
    const test = this.test
    if (test != null) {
      test.title += ` [path: ${reached.path}${reached.webrtcError != null ? `; WebRTC failed: ${reached.webrtcError}` : ''}]`
    }
    expect(reached.path, `bob stayed on the relay: ${reached.webrtcError ?? 'alice registered no WebRTC address'}`).to.equal('webrtc')

    const reply = await call(bob, 'chat', alicePeer, 'hello alice')
    expect(reply).to.equal(`${REPLY_PREFIX}hello alice`)

    // inside alice's page: the message came over the WebRTC connection, not the relay
    const received = await call(alice, 'waitForMessages', 1, 20_000)
    expect(received[0]).to.include({ from: bobPeer, text: 'hello alice' })
    expect(received[0].remoteAddr).to.include('/webrtc')
    const aliceConnections = await call(alice, 'openConnections')
    expect(aliceConnections.filter(c => c.peerId === bobPeer).map(c => c.path)).to.include('webrtc')
    const webrtc = aliceConnections.find(c => c.peerId === bobPeer && c.path === 'webrtc')
    expect(webrtc?.limited).to.be.false()

    // and the ICE pair under it: candidates of this machine, no STUN or TURN server in between. A side whose
    // connectivity check arrives before its candidate was signalled is first known to the other as a
    // peer-reflexive candidate ('prflx'): the same host address, learned from the check itself
    const paths = await call(alice, 'icePaths')
    expect(paths).to.not.be.empty()
    for (const path of paths) {
      expect(['host', 'prflx']).to.include(path.localType)
      expect(['host', 'prflx']).to.include(path.remoteType)
    }
    if (test != null) {
      test.title += ` [ICE: ${paths.map(p => `${p.localType} to ${p.remoteType} over ${p.protocol ?? '?'}`).join(', ')}]`
    }
  })
})
