import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { encodeFederationGossip, rendezvous, Status } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startFederation, startTopicMembers, stopFederation, untilStats } from './fixtures/federation-points.ts'
import { startClient, stopAll } from './fixtures/nodes.ts'
import type { FederatedPoint, PubsubNode } from './fixtures/federation-points.ts'
import type { ClientNode } from './fixtures/nodes.ts'
import type { Registration } from '@rendezvous/store'

async function register (peer: ClientNode, point: FederatedPoint, ns: string, ttl: number): Promise<void> {
  const s = await RawStream.open(peer.node, point.node.getMultiaddrs(), rendezvous)
  expect((await s.register({ ns, signedPeerRecord: await peer.record(), ttl })).status).to.equal(Status.OK)
  await s.close()
}

async function stored (point: FederatedPoint, ns: string, peer: ClientNode): Promise<Registration | undefined> {
  const { registrations } = await point.store.store.discover({ namespace: ns, limit: 100 })
  return registrations.find(r => r.peerId === peer.node.peerId.toString())
}

describe('federation: a later registration supersedes an earlier one, and an UNREGISTER removes it everywhere', function () {
  this.timeout(60_000)
  let points: FederatedPoint[]
  let peers: ClientNode[]
  let member: PubsubNode

  before(async () => {
    const memberKey = await generateKeyPair('Ed25519')
    points = await startFederation(5, { init: { ttl: { min: 60 } }, extraMembers: [peerIdFromPrivateKey(memberKey)] })
    peers = await Promise.all(Array.from({ length: 2 }, async () => startClient()))
    ;[member] = await startTopicMembers(points[0], [memberKey])
  })

  after(async () => {
    await stopAll(member, ...peers.map(p => p.node))
    await stopFederation(points)
  })

  it('registering again at another point replaces the registration at every point', async () => {
    const peer = peers[0]
    await register(peer, points[0], 'chat', 600)
    await Promise.all(points.map(async p => p.store.until(async () => (await stored(p, 'chat', peer))?.ttl === 600)))
    await register(peer, points[3], 'chat', 900)
    await Promise.all(points.map(async p => p.store.until(async () => (await stored(p, 'chat', peer))?.ttl === 900)))
    const granted = await Promise.all(points.map(async p => (await stored(p, 'chat', peer))?.registeredAt))
    expect(new Set(granted).size).to.equal(1)

    // the earlier registration, arriving late (from a member that was slow to pass it on), changes nothing
    const before = points[0].node.services.rendezvous.stats().federation?.rejected.superseded ?? 0
    await member.services.pubsub.publish(points[0].node.services.rendezvous.federation?.topic ?? '', encodeFederationGossip({
      type: 'register',
      registration: { ns: 'chat', signedPeerRecord: await peer.record(), ttl: 600, registeredAt: (granted[0] ?? 0) - 1000, dialect: 'rendezvous/1.0.0' }
    }))
    // ignored (not rejected: a slow member is not at fault), so not passed on either
    await untilStats(points[0], s => (s.rejected.superseded ?? 0) > before)
    for (const p of points) {
      expect((await stored(p, 'chat', peer))?.ttl).to.equal(900)
    }
  })

  it('an UNREGISTER at one point removes the registration made at another from every point', async () => {
    const peer = peers[1]
    await register(peer, points[1], 'files', 600)
    await Promise.all(points.map(async p => p.store.until(async () => (await stored(p, 'files', peer)) != null)))
    const s = await RawStream.open(peer.node, points[4].node.getMultiaddrs(), rendezvous)
    s.send({ type: 'UNREGISTER', ns: 'files' })
    await s.close()
    await Promise.all(points.map(async p => p.store.until(async () => (await stored(p, 'files', peer)) == null)))
    expect(points[4].node.services.rendezvous.stats().federation?.published.unregister).to.equal(1)
  })
})
