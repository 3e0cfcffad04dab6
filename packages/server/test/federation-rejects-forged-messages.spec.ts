import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { encodeFederationGossip, FEDERATION_SYNC_PROTOCOL, encodeFrame, encodeSyncRequest, rendezvous, Status } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startFederation, startTopicMembers, stopFederation, untilStats } from './fixtures/federation-points.ts'
import { startClient, stopAll } from './fixtures/nodes.ts'
import { corruptSignature } from './fixtures/records.ts'
import type { FederatedPoint, PubsubNode } from './fixtures/federation-points.ts'
import type { ClientNode } from './fixtures/nodes.ts'

describe('federation: forged messages change nothing', function () {
  this.timeout(60_000)
  let points: FederatedPoint[]
  let peers: ClientNode[]
  let outsider: PubsubNode
  let rogueMember: PubsubNode

  before(async () => {
    const rogueKey = await generateKeyPair('Ed25519')
    points = await startFederation(3, { extraMembers: [peerIdFromPrivateKey(rogueKey)] })
    peers = await Promise.all(Array.from({ length: 2 }, async () => startClient()))
    ;[outsider, rogueMember] = await startTopicMembers(points[0], [await generateKeyPair('Ed25519'), rogueKey])
    // a registration every point holds, for the forged unregistration to aim at
    const s = await RawStream.open(peers[0].node, points[1].node.getMultiaddrs(), rendezvous)
    expect((await s.register({ ns: 'chat', signedPeerRecord: await peers[0].record() })).status).to.equal(Status.OK)
    await s.close()
    await Promise.all(points.map(async p => p.store.until(async () => p.store.holds('chat', peers[0].node.peerId))))
  })

  after(async () => {
    await stopAll(outsider, rogueMember, ...peers.map(p => p.node))
    await stopFederation(points)
  })

  it('a non-member\'s well-formed registration and unregistration are rejected by the topic validator', async () => {
    const topic = points[0].node.services.rendezvous.federation?.topic ?? ''
    const now = Date.now()
    await outsider.services.pubsub.publish(topic, encodeFederationGossip({
      type: 'register',
      registration: { ns: 'chat', signedPeerRecord: await peers[1].record(), ttl: 7200, registeredAt: now, dialect: 'rendezvous/1.0.0' }
    }))
    await outsider.services.pubsub.publish(topic, encodeFederationGossip({
      type: 'unregister',
      unregistration: { ns: 'chat', peer: peers[0].node.peerId.toString(), unregisteredAt: now }
    }))
    await untilStats(points[0], s => (s.rejected['not-member'] ?? 0) >= 2)
    for (const p of points) {
      expect(await p.store.holds('chat', peers[1].node.peerId)).to.equal(false)
      expect(await p.store.holds('chat', peers[0].node.peerId)).to.equal(true)
    }
    // rejected, so never forwarded: the other points did not even see them
    expect(points[1].node.services.rendezvous.stats().federation?.received.unregister).to.equal(0)
  })

  it('a member\'s envelope with a broken signature, or from the future, is rejected', async () => {
    const topic = points[0].node.services.rendezvous.federation?.topic ?? ''
    await rogueMember.services.pubsub.publish(topic, encodeFederationGossip({
      type: 'register',
      registration: { ns: 'chat', signedPeerRecord: corruptSignature(await peers[1].record()), ttl: 7200, registeredAt: Date.now(), dialect: 'rendezvous/1.0.0' }
    }))
    await rogueMember.services.pubsub.publish(topic, encodeFederationGossip({
      type: 'register',
      registration: { ns: 'chat', signedPeerRecord: await peers[1].record(), ttl: 7200, registeredAt: Date.now() + 3_600_000, dialect: 'rendezvous/1.0.0' }
    }))
    await rogueMember.services.pubsub.publish(topic, new Uint8Array([0xff, 0x01, 0x02]))
    await untilStats(points[0], s => (s.rejected.signature ?? 0) >= 1 && (s.rejected.future ?? 0) >= 1 && (s.rejected.malformed ?? 0) >= 1)
    for (const p of points) {
      expect(await p.store.holds('chat', peers[1].node.peerId)).to.equal(false)
    }
  })

  it('a non-member cannot sync: the stream is refused without a page', async () => {
    const connection = await outsider.dial(points[0].node.getMultiaddrs())
    const stream = await connection.newStream(FEDERATION_SYNC_PROTOCOL)
    let bytes = 0
    try {
      // the point may have reset the stream already
      stream.send(encodeFrame(encodeSyncRequest({ federation: 'test', after: 0 })))
      for await (const chunk of stream) {
        bytes += chunk.byteLength
      }
    } catch {
      // reset by the point
    }
    expect(bytes).to.equal(0)
    await untilStats(points[0], s => (s.rejected['not-member'] ?? 0) >= 3)
  })
})
