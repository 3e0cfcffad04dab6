import { rendezvous, Status, wakuV1 } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startFederation, stopFederation } from './fixtures/federation-points.ts'
import { startClient, stopAll } from './fixtures/nodes.ts'
import type { FederatedPoint } from './fixtures/federation-points.ts'
import type { ClientNode } from './fixtures/nodes.ts'

describe('federation of 5 points: a peer registers at one, a client at another discovers it', function () {
  this.timeout(60_000)
  let points: FederatedPoint[]
  let peers: ClientNode[]

  before(async () => {
    points = await startFederation(5, { init: { ttl: { min: 60 } } })
    peers = await Promise.all(Array.from({ length: 3 }, async () => startClient()))
  })

  after(async () => {
    await stopAll(...peers.map(p => p.node))
    await stopFederation(points)
  })

  it('every point stores the registration, with the granted TTL, and serves it with cookies', async () => {
    const [a, , , d] = points
    const peer = peers[0]
    const record = await peer.record()
    const s = await RawStream.open(peer.node, a.node.getMultiaddrs(), rendezvous)
    const answer = await s.register({ ns: 'chat', signedPeerRecord: record, ttl: 600 })
    expect(answer.status).to.equal(Status.OK)
    await s.close()

    await Promise.all(points.map(async p => p.store.until(async () => p.store.holds('chat', peer.node.peerId))))

    const client = peers[1]
    const at = await RawStream.open(client.node, d.node.getMultiaddrs(), rendezvous)
    const found = await at.discover({ ns: 'chat' })
    expect(found.status).to.equal(Status.OK)
    expect(found.registrations).to.have.lengthOf(1)
    expect(found.registrations[0].signedPeerRecord).to.equalBytes(record)
    // remaining TTL, counted from the grant at a: at most what a granted
    expect(found.registrations[0].ttl).to.be.within(590, 600)
    expect(found.cookie).to.be.an.instanceOf(Uint8Array)

    const again = await at.discover({ ns: 'chat', cookie: found.cookie })
    expect(again.registrations).to.have.lengthOf(0)
    await at.close()

    const { federation } = d.node.services.rendezvous.stats()
    expect(federation?.applied).to.be.at.least(1)
    expect(federation?.received.register).to.be.at.least(1)
    expect(a.node.services.rendezvous.stats().federation?.published.register).to.equal(1)
  })

  it('a registration of another dialect travels with it and is served on that dialect only', async () => {
    const [, b, , , e] = points
    const peer = peers[2]
    const record = await peer.record(undefined, 'waku')
    const s = await RawStream.open(peer.node, b.node.getMultiaddrs(), wakuV1)
    expect((await s.register({ ns: 'waku-shard', signedPeerRecord: record, ttl: 120 })).status).to.equal(Status.OK)
    await s.end().catch(() => {})

    await e.store.until(async () => e.store.holds('waku-shard', peer.node.peerId))
    const at = await RawStream.open(peers[1].node, e.node.getMultiaddrs(), wakuV1)
    const found = await at.discover({ ns: 'waku-shard' })
    expect(found.registrations.map(r => r.signedPeerRecord)).to.deep.equal([record])
  })
})
