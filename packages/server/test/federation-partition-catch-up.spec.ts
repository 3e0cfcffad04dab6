import { rendezvous, Status } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { heal, partition, startFederation, stopFederation } from './fixtures/federation-points.ts'
import { startClient, stopAll } from './fixtures/nodes.ts'
import type { FederatedPoint } from './fixtures/federation-points.ts'
import type { ClientNode } from './fixtures/nodes.ts'

async function register (peer: ClientNode, point: FederatedPoint, ns: string): Promise<void> {
  const s = await RawStream.open(peer.node, point.node.getMultiaddrs(), rendezvous)
  expect((await s.register({ ns, signedPeerRecord: await peer.record() })).status).to.equal(Status.OK)
  await s.close()
}

async function unregister (peer: ClientNode, point: FederatedPoint, ns: string): Promise<void> {
  const s = await RawStream.open(peer.node, point.node.getMultiaddrs(), rendezvous)
  s.send({ type: 'UNREGISTER', ns })
  await s.close()
}

/** The (peer, namespace) pairs a point holds live, sorted */
async function held (point: FederatedPoint): Promise<string[]> {
  const { registrations } = await point.store.store.discover({ limit: 10_000 })
  return registrations.map(r => `${r.peerId} ${r.namespace} ${r.registeredAt}`).sort()
}

async function peersHeld (point: FederatedPoint): Promise<string[]> {
  const { registrations } = await point.store.store.discover({ limit: 100 })
  return registrations.map(r => r.peerId).sort()
}

describe('federation: a partitioned point misses registrations and catches up when the partition heals', function () {
  this.timeout(120_000)
  let points: FederatedPoint[]
  let peers: ClientNode[]

  beforeEach(async () => {
    points = await startFederation(5)
    peers = await Promise.all(Array.from({ length: 6 }, async () => startClient()))
  })

  afterEach(async () => {
    await stopAll(...peers.map(p => p.node))
    await stopFederation(points)
  })

  it('after the partition heals every point holds the same live registrations, in both directions', async () => {
    const cut = points[4]
    const rest = points.slice(0, 4)
    await register(peers[0], rest[0], 'before')
    await Promise.all(points.map(async p => p.store.until(async () => p.store.holds('before', peers[0].node.peerId))))

    await partition(cut, rest)
    // made on both sides while they cannot talk
    await register(peers[1], rest[1], 'during')
    await register(peers[2], rest[2], 'during')
    await register(peers[3], cut, 'during')
    // the peer unregisters on the majority side; the cut point still holds it
    await unregister(peers[0], rest[3], 'before')
    await Promise.all(rest.map(async p => p.store.until(async () => (await p.store.holds('during', peers[2].node.peerId)) && !(await p.store.holds('before', peers[0].node.peerId)))))
    expect(await cut.store.holds('during', peers[1].node.peerId)).to.equal(false)
    expect(await cut.store.holds('before', peers[0].node.peerId)).to.equal(true)
    expect(await rest[0].store.holds('during', peers[3].node.peerId)).to.equal(false)

    await heal(cut, rest)
    const expected = [peers[1], peers[2], peers[3]].map(p => p.node.peerId.toString()).sort()
    await Promise.all(points.map(async p => p.store.until(async () => (await peersHeld(p)).join() === expected.join())))
    const views = await Promise.all(points.map(held))
    for (const view of views) {
      expect(view).to.deep.equal(views[0])
    }
    expect(cut.node.services.rendezvous.stats().federation?.syncs.pulled).to.be.at.least(1)
  })

  it('a point that starts late catches up everything from a member it connects to', async () => {
    const late = points[4]
    await partition(late, points.slice(0, 4))
    for (let i = 0; i < peers.length; i++) {
      await register(peers[i], points[i % 4], `ns-${i % 2}`)
    }
    await heal(late, points.slice(0, 4))
    await late.store.until(async () => (await late.store.store.count()) === peers.length)
    expect(await held(late)).to.deep.equal(await held(points[0]))
  })
})
