import { rendezvous, wakuV0, Status } from '@rendezvous/codec'
import { RawStream, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startServer } from './fixtures/nodes.ts'
import { startScene } from './fixtures/scene.ts'
import { TestStore } from './fixtures/test-store.ts'
import type { ExpiredEventDetail } from '../src/index.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { Scene } from './fixtures/scene.ts'
import type { ManualClock } from '@rendezvous/store/compliance'

describe('expiry', () => {
  let scene: Scene
  let clock: ManualClock, store: TestStore, server: ServerNode, client: ClientNode

  beforeEach(async () => {
    scene = await startScene({ clients: 1 })
    ;({ clock, store, clients: [client] } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  it('a registration is live until exactly its TTL has passed, in both dialects', async () => {
    ({ server } = await scene.serve({ expiryInterval: 0, ttl: { min: 60 } }))
    const addr = server.getMultiaddrs()[0]
    const w = await RawStream.open(client.node, addr, wakuV0)
    const r = await RawStream.open(client.node, addr, rendezvous)
    expect(await w.register({ ns: 'w', signedPeerRecord: await client.record(), ttl: 20 })).to.deep.include({ status: Status.OK })
    expect(await r.register({ ns: 'r', signedPeerRecord: await client.record(), ttl: 60 })).to.deep.include({ status: Status.OK })

    clock.advance(19_999)
    expect((await w.discover({ ns: 'w' })).registrations).to.have.lengthOf(1)
    clock.advance(1)
    expect((await w.discover({ ns: 'w' })).registrations).to.be.empty()
    expect((await r.discover({ ns: '' })).registrations.map(x => x.ns)).to.deep.equal(['r'])
    clock.advance(40_000)
    expect((await r.discover({ ns: '' })).registrations).to.be.empty()
    expect(await server.services.rendezvous.registrations()).to.equal(0)
  })

  it('expireNow deletes what has expired and counts it', async () => {
    ({ server } = await scene.serve({ expiryInterval: 0 }))
    const w = await RawStream.open(client.node, server.getMultiaddrs()[0], wakuV0)
    await w.register({ ns: 'a', signedPeerRecord: await client.record(), ttl: 5 })
    await w.register({ ns: 'b', signedPeerRecord: await client.record(), ttl: 20 })
    clock.advance(10_000)
    expect(await server.services.rendezvous.expireNow()).to.equal(1)
    expect(await server.services.rendezvous.expireNow()).to.equal(0)
    expect(server.services.rendezvous.stats().expired).to.equal(1)
    expect(store.expireCalls).to.equal(2)
  })

  it('runs an expiry pass every expiryInterval, and stops with the service', async () => {
    ({ server } = await scene.serve({ expiryInterval: 20 }))
    const w = await RawStream.open(client.node, server.getMultiaddrs()[0], wakuV0)
    await w.register({ ns: 'a', signedPeerRecord: await client.record(), ttl: 5 })
    const expired = waitForEvent<CustomEvent<ExpiredEventDetail>>(server.services.rendezvous.events, 'expired')
    clock.advance(6000)
    expect((await expired).detail).to.deep.equal({ count: 1 })
    expect(server.services.rendezvous.stats().expired).to.equal(1)
    await server.stop()
    const calls = store.expireCalls

    // a point started after the stop, on the same interval, runs three passes: the stopped one runs none
    const witnessStore = new TestStore()
    const witness = await startServer({ store: witnessStore, expiryInterval: 20 })
    try {
      await witnessStore.called('expire', 3)
    } finally {
      await witness.stop()
    }
    expect(store.expireCalls).to.equal(calls)
  })

  it('an expiry pass that fails is logged, not thrown, and the next one runs', async () => {
    ({ server } = await scene.serve({ expiryInterval: 20 }))
    store.failWith = new Error('disk on fire')
    await store.called('expire', 2)
    expect(store.expireCalls).to.be.at.least(2)
    store.failWith = undefined
  })
})
