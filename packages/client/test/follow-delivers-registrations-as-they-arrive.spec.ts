import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { federationPubsub, rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { waitFor } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { FollowUnsupportedError, rendezvousClient } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import type { FollowBatch, RendezvousClient } from '../src/index.ts'
import type { Libp2p } from '@libp2p/interface'

type ClientNode = Libp2p<{ rendezvous: RendezvousClient, identify: unknown }>

/** Two federated points, connected, each seeing the other on the federation topic */
async function startFederatedPoints (): Promise<Array<Libp2p<any>>> {
  const keys = await Promise.all([generateKeyPair('Ed25519'), generateKeyPair('Ed25519')])
  const members = keys.map(k => peerIdFromPrivateKey(k))
  const points = await Promise.all(keys.map(async privateKey => createNode({
    pubsub: federationPubsub(),
    rendezvous: rendezvousServer({ store: memoryStore(), federation: { name: 'follow-test', members, redialInterval: 0 } })
  }, { privateKey })))
  await points[0].dial(points[1].getMultiaddrs())
  const topic = '/rendezvous/federation/1.0.0/follow-test'
  await waitFor(() => points.every((p, i) => p.services.pubsub.getSubscribers(topic).some((s: any) => s.equals(points[1 - i].peerId))), { timeout: 10_000, what: 'the federation topic' })
  return points
}

async function startClient (points: Array<Libp2p<any>>): Promise<ClientNode> {
  return createNode({ rendezvous: rendezvousClient({ points: points.map(p => p.getMultiaddrs()[0]) }) }) as Promise<ClientNode>
}

/** The next batch of a follow that holds a registration of `peer` */
async function nextWith (follow: AsyncGenerator<FollowBatch>, peer: Libp2p): Promise<FollowBatch> {
  for (let i = 0; i < 100; i++) {
    const { value, done } = await follow.next()
    if (done === true) {
      throw new Error('the follow ended')
    }
    if (value.registrations.some(r => r.peerId.equals(peer.peerId))) {
      return value
    }
  }
  throw new Error('no batch with the peer in 100 batches')
}

describe('follow: a point pushes registrations as they arrive, including federated ones', function () {
  this.timeout(60_000)
  afterEach(stopAll)

  it('a registration made at another point of the federation reaches a follower at this one', async () => {
    const [a, b] = await startFederatedPoints()
    const follower = await startClient([b])
    const registering = await startClient([a])
    const early = await startClient([a])
    await early.services.rendezvous.register('chat')

    const controller = new AbortController()
    const follow = follower.services.rendezvous.follow('chat', { point: b.getMultiaddrs()[0], signal: controller.signal })
    // the backlog first: the peer registered before the follow began (once it reached b)
    const first = await nextWith(follow, early)
    expect(first.registrations[0].namespace).to.equal('chat')

    const outcome = await registering.services.rendezvous.register('chat')
    expect(outcome[0].error).to.equal(undefined)
    const pushed = await nextWith(follow, registering)
    expect(pushed.live).to.equal(true)
    expect(pushed.cookie).to.be.an.instanceOf(Uint8Array)
    expect(pushed.point.equals(b.peerId)).to.equal(true)
    controller.abort()
    expect((await follow.next()).done).to.equal(true)

    // the cookie resumes after the pushed registration: a DISCOVER with it finds nothing new
    const rest = await follower.services.rendezvous.discover('chat', { point: b.getMultiaddrs()[0], cookie: pushed.cookie })
    expect(rest.registrations).to.have.lengthOf(0)
    await waitFor(() => b.services.rendezvous.stats().follow?.followers === 0, { timeout: 10_000, what: 'the point to drop the follower' })
  })

  it('a point that does not serve follow is reported as such', async () => {
    const point = await createNode({ rendezvous: rendezvousServer({ store: memoryStore(), maxFollowers: 0 }) })
    const client = await startClient([point])
    const follow = client.services.rendezvous.follow('chat')
    await expect(follow.next()).to.eventually.be.rejected.with.property('name', FollowUnsupportedError.name)
  })
})
