import { rendezvous, Status } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { manyAddresses } from './fixtures/records.ts'
import { startScene } from './fixtures/scene.ts'
import type { ServerNode } from './fixtures/nodes.ts'
import type { Scene } from './fixtures/scene.ts'
import type { TestStore } from './fixtures/test-store.ts'
import type { ManualClock } from '@rendezvous/store/compliance'

describe('what one peer can make the point hold and send', () => {
  let scene: Scene
  let clock: ManualClock, store: TestStore, server: ServerNode

  beforeEach(async () => {
    scene = await startScene()
    ;({ clock, store } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  it('refuses a record over maxRecordBytes with 101 and stores nothing', async () => {
    ({ server } = await scene.serve({ maxRecordBytes: 512, dialects: [rendezvous] }))
    const p = await scene.peer()
    const s = await RawStream.open(p.node, server.getMultiaddrs(), rendezvous)
    expect(await s.register({ ns: 'a', signedPeerRecord: await p.record(manyAddresses(60)) })).to.deep.include({ status: Status.E_INVALID_SIGNED_PEER_RECORD })
    expect(await s.register({ ns: 'a', signedPeerRecord: await p.record(manyAddresses(10)) })).to.deep.include({ status: Status.OK })
    expect(await store.snapshot()).to.have.length(1)
  })

  it('cuts DISCOVER answers to the peer\'s byte budget, refuses with 400 when nothing fits, and refills with time', async () => {
    // 1 KiB at once, 1 byte per second after that
    ({ server } = await scene.serve({ discoverBytesPerSecond: 1, discoverBurstBytes: 1024, dialects: [rendezvous] }))
    for (let i = 0; i < 8; i++) {
      const p = await scene.peer()
      const s = await RawStream.open(p.node, server.getMultiaddrs(), rendezvous)
      // records of about 250 bytes
      expect(await s.register({ ns: 'big', signedPeerRecord: await p.record(manyAddresses(8)) })).to.deep.include({ status: Status.OK })
    }
    const asker = await scene.peer()
    const s = await RawStream.open(asker.node, server.getMultiaddrs(), rendezvous)
    const first = await s.discover({ ns: 'big', limit: 100 })
    expect(first.status).to.equal(Status.OK)
    expect(first.registrations.length).to.be.within(1, 7)
    const refused = await s.discover({ ns: 'big', limit: 100, cookie: first.cookie })
    expect(refused).to.deep.include({ status: Status.E_UNAVAILABLE, statusText: 'discover rate limit reached, retry later' })

    clock.advance(3600_000)
    const seen = first.registrations.length
    const rest = await s.discover({ ns: 'big', limit: 100, cookie: first.cookie })
    expect(rest.status).to.equal(Status.OK)
    // nothing skipped: the cookie of the cut page resumes right after what was sent
    expect(seen + rest.registrations.length).to.be.at.most(8)
    expect(rest.registrations.length).to.be.greaterThan(0)
    expect(server.services.rendezvous.stats().discoverBudgetLimited).to.be.greaterThan(0)
  })
})
