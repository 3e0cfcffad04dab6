import { ServerEvents } from '@rendezvous/server/internal'
import { expect } from 'aegir/chai'
import { createOutput } from '../src/output.ts'
import { logRequests } from '../src/request-log.ts'
import { LOOPBACK, spawnDaemon, spawnListening } from './fixtures/daemon-process.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'
import { rawClient } from './fixtures/raw-client.ts'
import type { PeerId } from '@libp2p/interface'
import type { RendezvousServer } from '@rendezvous/server'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

describe('the request log (--log-level)', function () {
  this.timeout(30_000)
  const suite = daemonSuite('cli-request-log')

  it('writes one structured line per request at info: dialect, type, namespace, status, duration, never the record', async () => {
    const { daemon, ready } = await spawnListening(['serve', ...LOOPBACK, '--json', '--store', 'memory'], { cwd: suite.dir })
    expect(ready.logLevel).to.equal('info')
    const client = await rawClient()
    suite.clients.push(client)
    expect(await client.register(ready.multiaddrs[0], 'chat/room', { ttl: 7200 })).to.include({ status: 0 })
    expect(await client.register(ready.multiaddrs[0], 'chat/room', { ttl: 1 })).to.include({ status: 102 })
    await client.discover(ready.multiaddrs[0], 'chat/room')

    await daemon.waitFor(/"type":"DISCOVER"/)
    const lines = daemon.stdout().split('\n').filter(l => l.includes('"event":"request"')).map(l => JSON.parse(l))
    expect(lines.map(l => [l.dialect, l.type, l.namespace, l.status])).to.deep.equal([
      ['rendezvous/1.0.0', 'REGISTER', 'chat/room', 'OK'],
      ['rendezvous/1.0.0', 'REGISTER', 'chat/room', 'E_INVALID_TTL'],
      ['rendezvous/1.0.0', 'DISCOVER', 'chat/room', 'OK']
    ])
    for (const line of lines) {
      expect(Object.keys(line).sort()).to.deep.equal(['dialect', 'event', 'ms', 'namespace', 'peer', 'status', 'time', 'type'])
      expect(line.ms).to.be.a('number').and.at.least(0)
      expect(line.peer).to.equal(client.peerId)
    }
  })

  it('writes no request lines at warn', async () => {
    const daemon = spawnDaemon(['serve', ...LOOPBACK, '--store', 'memory', '--log-level', 'warn'], { cwd: suite.dir })
    await daemon.waitFor(/^ready$/)
    const point = daemon.stdout().split('\n').find(l => l.startsWith('  /')) ?? ''
    const client = await rawClient()
    suite.clients.push(client)
    expect(await client.register(point.trim(), 'quiet', { ttl: 7200 })).to.include({ status: 0 })
    // the DISCOVER's answer comes after the REGISTER was handled, and would have been logged by then
    await client.discover(point.trim(), 'quiet')
    expect(daemon.stdout()).to.not.match(/^request /m)
  })

  it('at info writes at most the lines allowed per second and says how many it left out', () => {
    const events = new ServerEvents()
    const out: string[] = []
    let clock = 0
    const output = createOutput(false, { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true } })
    const stop = logRequests({ events } as unknown as RendezvousServer, output, 'info', 5, () => clock)
    const peer = { toString: () => PEER } as unknown as PeerId
    // bounded: 50 requests within one second, then one after it
    for (let i = 0; i < 50; i++) {
      events.safeDispatchEvent('request', { detail: { dialect: 'rendezvous/1.0.0', type: 'REGISTER', namespace: `ns${i}`, status: 'OK', peer, durationMs: 0.2 } })
    }
    clock = 1000
    events.safeDispatchEvent('request', { detail: { dialect: 'rendezvous/1.0.0', type: 'DISCOVER', namespace: 'late', status: 'OK', peer, durationMs: 0.2 } })
    stop()
    expect(out.filter(l => l.startsWith('request '))).to.have.lengthOf(6)
    expect(out).to.include('45 request lines left out (at most 5 a second at --log-level info)\n')
    expect(out[out.length - 1]).to.match(/^request dialect=rendezvous\/1.0.0 type=DISCOVER namespace="late" status=OK ms=0.2 peer=12D3/)
  })

  it('at debug writes every request', () => {
    const events = new ServerEvents()
    const out: string[] = []
    const output = createOutput(true, { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true } })
    const stop = logRequests({ events } as unknown as RendezvousServer, output, 'debug', 5, () => 0)
    const peer = { toString: () => PEER } as unknown as PeerId
    for (let i = 0; i < 50; i++) {
      events.safeDispatchEvent('request', { detail: { dialect: 'waku/0.0.1', type: 'DISCOVER', namespace: 'n', status: 'OK', peer, durationMs: 1 } })
    }
    stop()
    expect(out).to.have.lengthOf(50)
  })
})
