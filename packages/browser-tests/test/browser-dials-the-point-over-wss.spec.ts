import { RELAY_NAMESPACE } from '@rendezvous/cli'
import { temporaryDirectory } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { selfSignedCertificate } from './fixtures/self-signed.ts'
import { call, relayScene } from './fixtures/setup.ts'

describe('a Chromium page dials the daemon over wss (--tls-cert, --tls-key)', function () {
  this.timeout(120_000)
  const scene = relayScene({
    prepare: async (stopAfter) => {
      const dir = await temporaryDirectory('browser-tests-wss')
      stopAfter({ stop: dir.remove })
      const { certFile, keyFile, spki } = await selfSignedCertificate(dir.path)
      return {
        flags: ['--listen', '/ip4/127.0.0.1/tcp/0,/ip4/127.0.0.1/tcp/0/tls/ws', '--tls-cert', certFile, '--tls-key', keyFile],
        // Chromium trusts this one certificate, as it would trust a real one for the point's name
        chromiumArgs: [`--ignore-certificate-errors-spki-list=${spki}`]
      }
    }
  })

  it('finds the relay and registers behind it over the TLS WebSocket', async () => {
    const { point } = scene
    const wss = point.daemon.multiaddrs.find(ma => ma.includes('/tls/ws'))
    expect(wss).to.not.equal(undefined)
    const page = await scene.browser.openPage()
    await call(page, 'start', { point: wss!, webrtc: false })
    const relay = await call(page, 'findRelay', RELAY_NAMESPACE)
    expect(relay.relay).to.equal(point.daemon.peerId)
    expect(relay.circuitAddresses.some(a => a.includes('/tls/ws/'))).to.be.true()
    await call(page, 'register', 'wss-chat')
    const toPoint = (await call(page, 'openConnections')).find(c => c.peerId === point.daemon.peerId)
    expect(toPoint?.remoteAddr).to.include('/tls/ws')
  })
})
