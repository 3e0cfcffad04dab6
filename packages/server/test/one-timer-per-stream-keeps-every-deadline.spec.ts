import { encodeMessageFrame, rendezvous, Status, wakuV0 } from '@rendezvous/codec'
import { RawStream, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startScene } from './fixtures/scene.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { Scene } from './fixtures/scene.ts'
import type { TestStore } from './fixtures/test-store.ts'
import type { RendezvousServerInit } from '../src/index.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * A stream session keeps one timer, set once and moved only when a wait must end sooner than the timer
 * fires: every wait still ends on time, whether it is longer or shorter than the one before, and a
 * request being answered is never timed out. Every stream's end, however it comes, is counted once.
 */
describe('one timer per stream keeps every deadline', () => {
  let scene: Scene
  let store: TestStore, client: ClientNode, addr: Multiaddr

  async function serve (init: Partial<RendezvousServerInit>): Promise<ServerNode> {
    const served = await scene.serve(init)
    addr = served.addr
    return served.server
  }

  beforeEach(async () => {
    scene = await startScene({ clients: 1 })
    ;({ store, clients: [client] } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  it('after an answer, a request that stalls half-way is cut off after streamTimeout, not idleTimeout', async () => {
    // idleTimeout is longer than end()'s 3 s limit: only a timer moved to the shorter wait ends the stream in time
    const node = await serve({ streamTimeout: 100, idleTimeout: 60_000 })
    const s = await RawStream.open(client.node, addr, wakuV0)
    expect(await s.discover({ ns: 'a' })).to.deep.include({ status: Status.OK })
    // a stream that sends nothing is cut off after streamTimeout: once it is, the first stream's timer has
    // passed its first deadline and is set for the idle wait
    const witness = await RawStream.open(client.node, addr, wakuV0)
    expect((await witness.end(3000)).closed).to.be.false()
    const frame = encodeMessageFrame(wakuV0, { type: 'DISCOVER', ns: 'a' })
    s.sendBytes(frame.subarray(0, 2))
    expect((await s.end(3000)).closed).to.be.false()
    expect(node.services.rendezvous.stats().streams).to.deep.include({ timedOut: 2, active: 0 })
  })

  it('a request answered after longer than streamTimeout is answered, and the stream then waits idleTimeout', async () => {
    const node = await serve({ streamTimeout: 100, idleTimeout: 60_000 })
    const release = store.hold()
    const arrived = waitForEvent(store, 'call')
    const s = await RawStream.open(client.node, addr, rendezvous)
    s.send({ type: 'REGISTER', ns: 'slow', signedPeerRecord: await client.record() })
    await arrived
    // a stream that sends nothing is cut off after streamTimeout: once it is, the REGISTER has been in
    // flight for longer than that
    const witness = await RawStream.open(client.node, addr, rendezvous)
    expect((await witness.end(3000)).closed).to.be.false()
    release()
    expect(await s.next()).to.deep.include({ type: 'REGISTER_RESPONSE', status: Status.OK })
    // the answered stream waits for its next request beyond streamTimeout: a second witness outlives it
    const second = await RawStream.open(client.node, addr, rendezvous)
    expect((await second.end(3000)).closed).to.be.false()
    expect(await s.discover({ ns: 'slow' })).to.have.property('registrations').with.lengthOf(1)
    expect(node.services.rendezvous.stats().streams).to.deep.include({ timedOut: 2 })
  })

  it('streams that end every way (answered and closed, reset by the peer, timed out, malformed) leave none active', async () => {
    const node = await serve({ streamTimeout: 100 })
    const answered = await RawStream.open(client.node, addr, wakuV0)
    expect(await answered.register({ ns: 'a', signedPeerRecord: await client.record() })).to.deep.include({ status: Status.OK })
    await answered.close()
    expect(await answered.end()).to.deep.equal({ closed: true })

    const reset = await RawStream.open(client.node, addr, wakuV0)
    expect(await reset.discover({ ns: 'a' })).to.deep.include({ status: Status.OK })
    reset.abort()

    const silent = await RawStream.open(client.node, addr, wakuV0)
    expect((await silent.end()).closed).to.be.false()

    const garbage = await RawStream.open(client.node, addr, wakuV0)
    garbage.sendBytes(Uint8Array.from([0x04, 0xff, 0xff, 0xff, 0xff]))
    expect((await garbage.end()).closed).to.be.false()

    // frames of one connection arrive in order: once this answer is back, the reset above has been seen
    const last = await RawStream.open(client.node, addr, wakuV0)
    expect(await last.discover({ ns: 'a' })).to.deep.include({ status: Status.OK })
    last.abort()
    const witness = await RawStream.open(client.node, addr, wakuV0)
    expect(await witness.discover({ ns: 'a' })).to.deep.include({ status: Status.OK })

    expect(node.services.rendezvous.stats().streams).to.deep.include({ opened: 6, active: 1, timedOut: 1, malformed: 1 })
    // stop() finds only the witness, idle, and aborts it at once
    await node.services.rendezvous.stop()
    expect(node.services.rendezvous.stats().streams.active).to.equal(0)
    expect((await witness.end()).closed).to.be.false()
  })
})
