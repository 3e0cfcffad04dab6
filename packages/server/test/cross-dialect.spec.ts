import { openPeerRecord, rendezvous, Status, wakuV0 } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startServer } from './fixtures/nodes.ts'
import { startScene } from './fixtures/scene.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { ServedScene } from './fixtures/scene.ts'
import type { TestStore } from './fixtures/test-store.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { ManualClock } from '@rendezvous/store/compliance'

describe('both dialects on one store', () => {
  let scene: ServedScene
  let clock: ManualClock, store: TestStore, server: ServerNode, addr: Multiaddr, a: ClientNode, b: ClientNode

  beforeEach(async () => {
    scene = await startScene({ serve: {}, clients: 2 })
    ;({ clock, store, server, addr, clients: [a, b] } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  it('serves every dialect\'s protocol ID by default', async () => {
    expect(server.services.rendezvous.dialects.map(d => d.protocol)).to.deep.equal(['/rendezvous/1.0.0', '/vac/waku/rendezvous/1.0.0', '/vac/waku/rendezvous/0.0.1'])
    expect(server.getProtocols()).to.include.members(['/rendezvous/1.0.0', '/vac/waku/rendezvous/1.0.0', '/vac/waku/rendezvous/0.0.1'])
  })

  it('a 0.0.1 registration is discovered over 1.0.0 with its remaining ttl, and the reverse with the granted ttl', async () => {
    const sprA = await a.record()
    const sprB = await b.record()
    const wakuA = await RawStream.open(a.node, addr, wakuV0)
    expect(await wakuA.register({ ns: 'shared', signedPeerRecord: sprA })).to.deep.include({ status: Status.OK, ttl: 20 })
    const rdvB = await RawStream.open(b.node, addr, rendezvous)
    expect(await rdvB.register({ ns: 'shared', signedPeerRecord: sprB, ttl: 7200 })).to.deep.include({ status: Status.OK, ttl: 7200 })

    clock.advance(5000)

    const overRdv = await rdvB.discover({ ns: 'shared' })
    const byOwner = async (regs: Array<{ signedPeerRecord: Uint8Array, ttl?: number }>): Promise<Record<string, number | undefined>> =>
      Object.fromEntries(await Promise.all(regs.map(async r => [(await openPeerRecord(r.signedPeerRecord)).peerId.toString(), r.ttl])))
    expect(await byOwner(overRdv.registrations)).to.deep.equal({ [a.node.peerId.toString()]: 15, [b.node.peerId.toString()]: 7195 })

    const overWaku = await wakuA.discover({ ns: 'shared' })
    expect(await byOwner(overWaku.registrations)).to.deep.equal({ [a.node.peerId.toString()]: 20, [b.node.peerId.toString()]: 7200 })

    // the 0.0.1 registration lives its full 20 s, not the reference's half second, then is gone everywhere
    clock.advance(15_000)
    expect((await rdvB.discover({ ns: 'shared' })).registrations).to.have.lengthOf(1)
    expect((await wakuA.discover({ ns: 'shared' })).registrations).to.have.lengthOf(1)
  })

  it('a 1.0.0 UNREGISTER removes a registration made over 0.0.1', async () => {
    const w = await RawStream.open(a.node, addr, wakuV0)
    await w.register({ ns: 'x', signedPeerRecord: await a.record() })
    const r = await RawStream.open(a.node, addr, rendezvous)
    r.send({ type: 'UNREGISTER', ns: 'x' })
    // answers come in request order: the DISCOVER's is the next message only if the UNREGISTER got none
    expect(await r.discover({ ns: 'x' })).to.deep.include({ status: Status.OK, registrations: [] })
    expect((await w.discover({ ns: 'x' })).registrations).to.be.empty()
  })

  it('a refresh over the other dialect replaces the registration (one per peer and namespace)', async () => {
    const w = await RawStream.open(a.node, addr, wakuV0)
    await w.register({ ns: 'x', signedPeerRecord: await a.record() })
    const r = await RawStream.open(a.node, addr, rendezvous)
    await r.register({ ns: 'x', signedPeerRecord: await a.record() })
    const stored = await store.snapshot()
    expect(stored).to.have.lengthOf(1)
    expect(stored[0].ttl).to.equal(7200)
  })

  it('serves only the dialects asked for', async () => {
    const only = await startServer({ store, dialects: [wakuV0] })
    try {
      expect(only.getProtocols()).to.include('/vac/waku/rendezvous/0.0.1').and.not.include('/rendezvous/1.0.0')
      let refused = false
      try {
        const s = await RawStream.open(a.node, only.getMultiaddrs()[0], rendezvous)
        await s.discover({ ns: 'x' })
      } catch {
        refused = true
      }
      expect(refused).to.be.true()
    } finally {
      await only.stop()
    }
  })
})
