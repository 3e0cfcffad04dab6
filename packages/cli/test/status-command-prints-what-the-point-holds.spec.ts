import { createServer } from 'node:net'
import { expect } from 'aegir/chai'
import { LOOPBACK, spawnDaemon, spawnListening, waitForExit } from './fixtures/daemon-process.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'
import { rawClient } from './fixtures/raw-client.ts'
import type { AddressInfo } from 'node:net'

describe('rendezvous status and the admin JSON API', function () {
  this.timeout(30_000)
  const suite = daemonSuite('cli-status')

  it('prints the point, its namespaces and their counts as a table, and the same as JSON', async () => {
    const { ready } = await spawnListening(['serve', ...LOOPBACK, '--json', '--store', 'memory', '--admin', '127.0.0.1:0', '--announce', '/dns4/rendezvous.example.org/tcp/443/wss'], { cwd: suite.dir })
    const admin = new URL(ready.admin).host
    // the announced address is what peers are told; the listen addresses still work
    expect(ready.multiaddrs).to.deep.equal([`/dns4/rendezvous.example.org/tcp/443/wss/p2p/${ready.peerId}`])
    expect(ready.listen).to.have.lengthOf(2)
    const point: string = ready.listen[0]

    for (let i = 0; i < 3; i++) {
      const c = await rawClient()
      suite.clients.push(c)
      expect(await c.register(point, 'big', { ttl: 7200 })).to.include({ status: 0 })
      if (i === 0) {
        expect(await c.register(point, 'small', { ttl: 7200 })).to.include({ status: 0 })
      }
    }

    const table = spawnDaemon(['status', '--admin', admin], { cwd: suite.dir })
    expect(await waitForExit(table)).to.deep.equal({ code: 0, signal: null })
    const text = table.stdout()
    expect(text).to.match(new RegExp(`^peer id +${ready.peerId}$`, 'm'))
    expect(text).to.match(/^registrations +4$/m)
    // the point's own entry, of the default limit: the server does not have libp2p record its requesters'
    // protocol (recordRequesterProtocols), and no requester needed identifying
    expect(text).to.match(/^peer store +1 of 100000 peers$/m)
    expect(text).to.match(/^store +memory$/m)
    expect(text).to.match(new RegExp(`^addresses +/dns4/rendezvous.example.org/tcp/443/wss/p2p/${ready.peerId}$`, 'm'))
    expect(text).to.match(/^namespaces: 2$/m)
    expect(text).to.match(/^ {2}"big" +3\n {2}"small" +1$/m)

    const json = spawnDaemon(['status', '--admin', admin, '--json'], { cwd: suite.dir })
    expect(await waitForExit(json)).to.deep.equal({ code: 0, signal: null })
    const status = JSON.parse(json.stdout())
    expect(status).to.include({ peerId: ready.peerId, registrations: 4 })
    expect(status.peerStore).to.deep.equal({ peers: 1, limit: 100_000 })
    expect(status.namespaces).to.deep.equal({ total: 2, offset: 0, limit: 500, truncated: false, items: [{ namespace: 'big', registrations: 3 }, { namespace: 'small', registrations: 1 }] })

    // a namespace's registrations, paged, with what is left of their TTL and no record bytes
    const page = await (await fetch(`${ready.admin}api/namespaces/big?limit=2`, { signal: AbortSignal.timeout(5000) })).json()
    expect(page.registrations).to.have.lengthOf(2)
    expect(page.next).to.be.a('number')
    expect(Object.keys(page.registrations[0]).sort()).to.deep.equal(['addresses', 'expiresAt', 'format', 'peerId', 'registeredAt', 'remainingSeconds', 'ttl'])
    expect(page.registrations[0].remainingSeconds).to.be.within(7190, 7200)
    const rest = await (await fetch(`${ready.admin}api/namespaces/big?limit=2&after=${String(page.next)}`, { signal: AbortSignal.timeout(5000) })).json()
    expect(rest).to.include({ next: null })
    expect(rest.registrations).to.have.lengthOf(1)
  })

  it('says where it looked when no daemon answers', async () => {
    // a port that was free a moment ago: nothing listens on it
    const server = createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    await new Promise(resolve => server.close(resolve))

    const status = spawnDaemon(['status', '--admin', `127.0.0.1:${port}`], { cwd: suite.dir })
    expect(await waitForExit(status)).to.deep.equal({ code: 1, signal: null })
    expect(status.stderr()).to.equal(`rendezvous: cannot read the status from http://127.0.0.1:${port}/api/status?limit=500 (ECONNREFUSED); is a daemon running with --admin 127.0.0.1:${port}?\n`)
  })
})
