import { rendezvous, Status, wakuV0 } from '@rendezvous/codec'
import { RawStream, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startClient, startServer, stopAll } from './fixtures/nodes.ts'
import { TestStore } from './fixtures/test-store.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'

describe('lifecycle', () => {
  let store: TestStore
  let server: ServerNode | undefined
  let client: ClientNode

  beforeEach(async () => {
    store = new TestStore()
    client = await startClient()
  })

  afterEach(async () => {
    await stopAll(client?.node, server)
    server = undefined
  })

  it('stop() answers the request in flight, aborts idle streams, and takes no new streams', async () => {
    server = await startServer({ store })
    const addr = server.getMultiaddrs()[0]
    const idle = await RawStream.open(client.node, addr, wakuV0)
    const busy = await RawStream.open(client.node, addr, rendezvous)
    // let the idle stream reach the server before stopping
    expect(await idle.discover({ ns: 'x' })).to.deep.include({ status: Status.OK })

    // the REGISTER is in flight once it reaches the store, which holds it until stop() is under way
    const release = store.hold()
    const inFlight = waitForEvent(store, 'call')
    busy.send({ type: 'REGISTER', ns: 'x', signedPeerRecord: await client.record() })
    await inFlight
    const stopped = server.services.rendezvous.stop()
    // stop() aborts the idle stream once it takes no new streams, and then waits for the busy one
    expect((await idle.end()).closed).to.be.false()
    expect(server.getProtocols()).to.not.include(rendezvous.protocol)
    release()

    expect(await busy.next()).to.deep.include({ type: 'REGISTER_RESPONSE', status: Status.OK })
    await stopped
    expect(server.services.rendezvous.isStarted()).to.be.false()
    expect(await store.count()).to.equal(1)

    // no new stream: the protocol is not handled any more
    await expect(RawStream.open(client.node, addr, rendezvous).then(async late => late.discover({ ns: 'x' }))).to.eventually.be.rejected()
    // the store belongs to the caller: still open
    expect(await store.count()).to.equal(1)
  })

  it('start and stop are idempotent, and the service restarts', async () => {
    server = await startServer({ store })
    const service = server.services.rendezvous
    await service.start()
    await service.stop()
    await service.stop()
    await service.start()
    const s = await RawStream.open(client.node, server.getMultiaddrs()[0], wakuV0)
    expect(await s.discover({ ns: 'x' })).to.deep.include({ status: Status.OK })
  })

  it('a 256-byte namespace is valid in 0.0.1 but no store keeps it: E_INVALID_NAMESPACE, nothing stored', async () => {
    server = await startServer({ store })
    const s = await RawStream.open(client.node, server.getMultiaddrs()[0], wakuV0)
    expect(await s.register({ ns: 'x'.repeat(256), signedPeerRecord: await client.record() })).to.deep.include({
      status: Status.E_INVALID_NAMESPACE, statusText: 'namespace too long'
    })
    expect(await store.count()).to.equal(0)
  })
})
