import { expect } from 'aegir/chai'
import { clientNode } from './fixtures/client-node.ts'
import { LOOPBACK, spawnDaemon, waitForExit, waitReady } from './fixtures/daemon-process.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'
import type { DaemonProcess, Ready } from './fixtures/daemon-process.ts'

describe('rendezvous serve across restarts', function () {
  this.timeout(60_000)
  const suite = daemonSuite('cli-restart')

  /** Stops `daemon` with SIGTERM, which it must exit from cleanly, and starts another with the same arguments */
  async function restart (daemon: DaemonProcess, args: string[]): Promise<Ready> {
    daemon.child.kill('SIGTERM')
    expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
    return waitReady(spawnDaemon(args, { cwd: suite.dir }))
  }

  const cases: Array<{ signal: NodeJS.Signals, store: string }> = [
    { signal: 'SIGTERM', store: 'sqlite' },
    { signal: 'SIGKILL', store: 'sqlite' },
    { signal: 'SIGTERM', store: 'level' },
    { signal: 'SIGKILL', store: 'level' }
  ]

  cases.forEach(({ signal, store }) => {
    it(`keeps its peer ID and registrations after ${signal} (${store} store)`, async () => {
      const args = ['serve', ...LOOPBACK, '--store', store]
      const first = spawnDaemon(args, { cwd: suite.dir })
      const before = await waitReady(first)
      expect(before.peerId).to.match(/^12D3KooW/)
      expect(before.multiaddrs).to.have.lengthOf(2)

      const registrant = await clientNode([before.multiaddrs[0]])
      suite.clients.push(registrant)
      const outcomes = await registrant.services.rendezvous.register('chat/room', { ttl: 7200 })
      expect(outcomes).to.have.lengthOf(1)
      expect(outcomes[0].error).to.equal(undefined)
      expect(outcomes[0]).to.include({ protocol: '/rendezvous/1.0.0', ttl: 7200 })
      // it must not refresh at the restarted point: what is found there was stored before the stop. Stopping
      // would UNREGISTER, so the registrant leaves as a crashed peer does: it just stops refreshing
      await registrant.services.rendezvous.unregister('chat/room', { notify: false })
      await registrant.stop()

      first.child.kill(signal)
      const exit = await waitForExit(first)
      if (signal === 'SIGTERM') {
        expect(exit).to.deep.equal({ code: 0, signal: null })
        expect(first.stdout()).to.match(/stopping \(SIGTERM\)\nstopped\n$/)
      } else {
        expect(exit.signal).to.equal('SIGKILL')
      }

      const second = spawnDaemon(args, { cwd: suite.dir })
      const after = await waitReady(second)
      expect(after.peerId).to.equal(before.peerId)

      const tcp = after.multiaddrs.find(ma => !ma.includes('/ws/')) ?? ''
      // fresh peers: one speaks /rendezvous/1.0.0, the other only /vac/waku/rendezvous/0.0.1
      const discoverer = await clientNode([tcp])
      const wakuDiscoverer = await clientNode([{ address: tcp, dialect: 'waku/0.0.1' }])
      suite.clients.push(discoverer, wakuDiscoverer)
      const overRendezvous = await discoverer.services.rendezvous.discover('chat/room')
      expect(overRendezvous.protocol).to.equal('/rendezvous/1.0.0')
      expect(overRendezvous.registrations.map(r => r.peerId.toString())).to.deep.equal([registrant.peerId.toString()])
      const overWaku = await wakuDiscoverer.services.rendezvous.discover('chat/room')
      expect(overWaku.protocol).to.equal('/vac/waku/rendezvous/0.0.1')
      expect(overWaku.registrations.map(r => r.peerId.toString())).to.deep.equal([registrant.peerId.toString()])

      second.child.kill('SIGTERM')
      expect(await waitForExit(second)).to.deep.equal({ code: 0, signal: null })
    })
  })

  it('accepts a /rendezvous/1.0.0 cookie handed out before the restart (sqlite store)', async () => {
    const args = ['serve', ...LOOPBACK]
    const first = spawnDaemon(args, { cwd: suite.dir })
    const before = await waitReady(first)
    const registrants = [await clientNode([before.multiaddrs[0]]), await clientNode([before.multiaddrs[0]])]
    suite.clients.push(...registrants)
    for (const registrant of registrants) {
      expect((await registrant.services.rendezvous.register('paged'))[0].error).to.equal(undefined)
      // leave without UNREGISTER (as a crashed peer would), so the registrations outlive the registrants
      await registrant.services.rendezvous.unregister('paged', { notify: false })
      await registrant.stop()
    }
    const reader = await clientNode([before.multiaddrs[0]])
    suite.clients.push(reader)
    const page = await reader.services.rendezvous.discover('paged', { limit: 1 })
    expect(page.registrations).to.have.lengthOf(1)
    expect(page.cookie).to.be.an.instanceOf(Uint8Array)
    await reader.stop()

    const after = await restart(first, args)
    const resumed = await clientNode([after.multiaddrs[0]])
    suite.clients.push(resumed)
    const next = await resumed.services.rendezvous.discover('paged', { cookie: page.cookie })
    const seen = [...page.registrations, ...next.registrations].map(r => r.peerId.toString()).sort()
    expect(seen).to.deep.equal(registrants.map(r => r.peerId.toString()).sort())
  })

  it('refuses a cookie from before the restart with the memory store, whose positions start again', async () => {
    const args = ['serve', ...LOOPBACK, '--store', 'memory']
    const first = spawnDaemon(args, { cwd: suite.dir })
    const before = await waitReady(first)
    const registrant = await clientNode([before.multiaddrs[0]])
    suite.clients.push(registrant)
    expect((await registrant.services.rendezvous.register('paged'))[0].error).to.equal(undefined)
    const page = await registrant.services.rendezvous.discover('paged')
    expect(page.cookie).to.be.an.instanceOf(Uint8Array)
    await registrant.stop()

    const after = await restart(first, args)
    expect(after.peerId).to.equal(before.peerId)
    const reader = await clientNode([after.multiaddrs[0]])
    suite.clients.push(reader)
    const err = await reader.services.rendezvous.discover('paged', { cookie: page.cookie }).then(() => undefined, (err: Error) => err)
    expect(err?.message).to.match(/E_INVALID_COOKIE/)
  })
})
