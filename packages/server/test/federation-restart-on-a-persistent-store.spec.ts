import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { encodeFederationGossip } from '@rendezvous/codec'
import { sqliteStore } from '@rendezvous/store-sqlite'
import { startNode, storePathEachTest } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { rendezvousServer } from '../src/index.ts'
import { ObservedStore, startTopicMembers, testPubsub, untilStats } from './fixtures/federation-points.ts'
import { startClient, stopAll } from './fixtures/nodes.ts'
import type { FederatedNode, FederatedPoint, PubsubNode } from './fixtures/federation-points.ts'
import type { RegistrationStore } from '@rendezvous/store'

describe('federation: a point restarted on a persistent store knows what it holds', function () {
  this.timeout(60_000)
  const sqliteFile = storePathEachTest('server-federation', 'registrations.sqlite')

  it('an earlier registration gossiped after the restart is ignored, a later one replaces it', async () => {
    const pointKey = await generateKeyPair('Ed25519')
    const memberKey = await generateKeyPair('Ed25519')
    const members = [peerIdFromPrivateKey(pointKey), peerIdFromPrivateKey(memberKey)]
    const peer = await startClient()
    const path = sqliteFile.path
    const record = await peer.record()
    const granted = Date.now() - 60_000

    // before the restart: the point held this registration (granted a minute ago)
    const before = await sqliteStore({ path })
    await before.upsert({ namespace: 'chat', peerId: peer.node.peerId.toString(), signedPeerRecord: record, ttl: 7200, registeredAt: granted, expiresAt: granted + 7_200_000, format: 'standard' })
    await before.close()

    let store: RegistrationStore | undefined
    let node: FederatedNode | undefined
    let member: PubsubNode | undefined
    try {
      store = await sqliteStore({ path })
      const observed = new ObservedStore(store)
      node = await startNode({
        privateKey: pointKey,
        services: { identify: identify(), pubsub: testPubsub(), rendezvous: rendezvousServer({ store, federation: { name: 'restart', members, redialInterval: 0 } }) }
      }) as FederatedNode
      const point: FederatedPoint = { node, store: observed, privateKey: pointKey, peerId: members[0], partitioned: false }
      ;[member] = await startTopicMembers(point, [memberKey])
      const topic = node.services.rendezvous.federation?.topic ?? ''

      const gossip = async (registeredAt: number, signedPeerRecord: Uint8Array): Promise<void> => {
        await member?.services.pubsub.publish(topic, encodeFederationGossip({
          type: 'register',
          registration: { ns: 'chat', signedPeerRecord, ttl: 7200, registeredAt, dialect: 'rendezvous/1.0.0' }
        }))
      }
      await gossip(granted - 1000, await peer.record())
      await untilStats(point, s => (s.rejected.superseded ?? 0) === 1)
      const held = await store.discover({ namespace: 'chat', limit: 10 })
      expect(held.registrations.map(r => r.registeredAt)).to.deep.equal([granted])

      const later = await peer.record()
      await gossip(granted + 1000, later)
      await observed.until(async () => (await store?.discover({ namespace: 'chat', limit: 10 }))?.registrations[0]?.registeredAt === granted + 1000)
      expect((await store.discover({ namespace: 'chat', limit: 10 })).registrations[0].signedPeerRecord).to.equalBytes(later)
    } finally {
      await stopAll(member, node, peer.node)
      await store?.close()
    }
  })
})
