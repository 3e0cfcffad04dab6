import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { openPeerRecord } from '@rendezvous/codec'
import { memoryStore } from '@rendezvous/store-memory'
import { startNode } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { InvalidFlagError, parseConfig, RELAY_NAMESPACE, RelayAdvertisement, startDaemon } from '../src/index.ts'
import { clientNode } from './fixtures/client-node.ts'
import type { Daemon } from '../src/index.ts'
import type { ClientNode } from './fixtures/client-node.ts'
import type { Libp2p } from '@libp2p/interface'

async function relayedPeer (listen: string[]): Promise<Libp2p> {
  return startNode({
    addresses: { listen },
    transports: [tcp(), circuitRelayTransport()],
    services: { identify: identify() }
  })
}

describe('rendezvous serve --relay', function () {
  this.timeout(30_000)
  let dir: string
  let daemon: Daemon | undefined
  const nodes: Array<Libp2p | ClientNode> = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-relay-'))
  })

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
    await daemon?.stop()
    daemon = undefined
    await rm(dir, { recursive: true, force: true })
  })

  it('reads the relay flags and their environment variables, and refuses a limit without --relay', () => {
    expect(parseConfig(['--data-dir', dir]).relay).to.equal(undefined)
    expect(parseConfig(['--relay', '--relay-max-reservations', '3', '--relay-reservation-ttl', '10m', '--relay-duration-limit', '30s', '--relay-data-limit', '4096', '--data-dir', dir]).relay)
      .to.deep.equal({ maxReservations: 3, reservationTtl: 600, durationLimit: 30, dataLimit: 4096 })
    expect(parseConfig(['--data-dir', dir], { RENDEZVOUS_RELAY: 'true', RENDEZVOUS_RELAY_DATA_LIMIT: '2048' }).relay)
      .to.deep.equal({ maxReservations: 15, reservationTtl: 7200, durationLimit: 120, dataLimit: 2048 })
    expect(() => parseConfig(['--relay-data-limit', '4096', '--data-dir', dir])).to.throw(InvalidFlagError, /--relay-data-limit .*add --relay/)
    expect(() => parseConfig(['--relay', '--relay-data-limit', 'lots', '--data-dir', dir])).to.throw(InvalidFlagError, /--relay-data-limit/)
  })

  it('registers itself under RELAY_NAMESPACE, and relays between two peers with the limits it was given', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, '--relay', '--relay-data-limit', '65536', '--relay-duration-limit', '90s']))
    const point = daemon.multiaddrs[0]

    // a peer that knows only the point finds the relay there
    const seeker = await clientNode([point])
    nodes.push(seeker)
    const { registrations } = await seeker.services.rendezvous.discover(RELAY_NAMESPACE)
    expect(registrations.map(r => r.peerId.toString())).to.deep.equal([daemon.peerId])
    expect(registrations[0].multiaddrs.map(ma => ma.toString())).to.include(point.replace(`/p2p/${daemon.peerId}`, ''))

    // a peer behind it takes a reservation, another reaches it through the relay, within the limits
    const hidden = await relayedPeer([`${point}/p2p-circuit`])
    nodes.push(hidden)
    const dialer = await relayedPeer([])
    nodes.push(dialer)
    const circuit = hidden.getMultiaddrs().find(ma => ma.toString().includes('/p2p-circuit'))
    expect(circuit).to.not.equal(undefined)
    expect([...daemon.node.services.relay?.reservations.keys() ?? []].map(String)).to.deep.equal([hidden.peerId.toString()])
    const connection = await dialer.dial(circuit!)
    expect(connection.remotePeer.equals(hidden.peerId)).to.be.true()
    // what is left of the limits once the relayed connection's handshake took its share
    const limits = connection.limits
    expect(limits?.bytes != null && limits.bytes <= 65536n && limits.bytes > 60000n, `bytes left ${String(limits?.bytes)}`).to.be.true()
    // js-libp2p's relay keeps (and enforces) its duration limit in milliseconds
    const reservation = [...daemon.node.services.relay?.reservations.entries() ?? []][0]?.[1]
    expect(reservation?.limit).to.deep.equal({ duration: 90_000, data: 65536n })
  })

  it('keeps a reservation holder\'s idle connection while closing other idle connections', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, '--relay', '--idle-connection-timeout', '1s']))
    const point = daemon.multiaddrs[0]
    const holder = await relayedPeer([`${point}/p2p-circuit`])
    nodes.push(holder)
    const bystander = await relayedPeer([])
    nodes.push(bystander)
    const idle = await bystander.dial(multiaddr(point))
    // the bystander's connection, with no stream and no reservation, is closed by the idle sweep...
    await new Promise<void>(resolve => {
      if (idle.status !== 'open') {
        resolve()
        return
      }
      bystander.addEventListener('connection:close', (evt) => { if (evt.detail.id === idle.id) { resolve() } })
    })
    // ...which has by then passed over the holder's connection, idle as long, and left it open
    const kept = holder.getConnections().filter(c => c.remotePeer.toString() === daemon?.peerId)
    expect(kept.map(c => c.status)).to.deep.equal(['open'])
    expect(kept[0].streams).to.have.lengthOf(0)
    const dialer = await relayedPeer([])
    nodes.push(dialer)
    const circuit = holder.getMultiaddrs().find(ma => ma.toString().includes('/p2p-circuit'))
    expect((await dialer.dial(circuit!)).remotePeer.equals(holder.peerId)).to.be.true()
  })

  it('writes its own signed record with its addresses under RELAY_NAMESPACE, and removes it on stop', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir]))
    const store = memoryStore()
    const advert = new RelayAdvertisement({ node: daemon.node, privateKey: (daemon.node as any).components.privateKey, store, ttl: 60 })
    await advert.start()
    const first = await store.discover({ namespace: RELAY_NAMESPACE, limit: 10 })
    expect(first.registrations.map(r => [r.peerId, r.format, r.ttl])).to.deep.equal([[daemon.peerId, 'standard', 60]])
    const record = await openPeerRecord(first.registrations[0].signedPeerRecord)
    expect(record.peerId.toString()).to.equal(daemon.peerId)
    expect(record.multiaddrs.map(ma => `${ma.toString()}/p2p/${daemon?.peerId ?? ''}`)).to.deep.equal(daemon.multiaddrs)
    await advert.stop()
    expect(await store.count()).to.equal(0)
    await store.close()
  })
})
