import { decodeFollowEvent, encodeFollowRequest, encodeFrame, FOLLOW_PROTOCOL, rendezvous, Status } from '@rendezvous/codec'
import { memoryStore } from '@rendezvous/store-memory'
import { FrameQueue, RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startClient, startServer, stopAll } from './fixtures/nodes.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'

describe('follow: what a point sends a follower, and what it refuses', function () {
  this.timeout(30_000)
  let server: ServerNode
  let client: ClientNode
  let peer: ClientNode

  beforeEach(async () => {
    server = await startServer({ store: memoryStore(), dialects: [rendezvous] })
    client = await startClient()
    peer = await startClient()
  })

  afterEach(async () => {
    await stopAll(client.node, peer.node, server)
  })

  it('sends the backlog, marks the end of it, then pushes a new registration with a cookie', async () => {
    const s = await RawStream.open(peer.node, server.getMultiaddrs(), rendezvous)
    expect((await s.register({ ns: 'chat', signedPeerRecord: await peer.record() })).status).to.equal(Status.OK)
    const stream = await (await client.node.dial(server.getMultiaddrs())).newStream(FOLLOW_PROTOCOL)
    stream.send(encodeFrame(encodeFollowRequest({ ns: 'chat', formats: [] })))
    const reader = new FrameQueue(stream, decodeFollowEvent, 1 << 20)
    const backlog = await reader.next()
    const live = await reader.next()
    if (backlog == null || live == null) {
      throw new Error('the stream ended')
    }
    expect(backlog.registrations).to.have.lengthOf(1)
    expect(backlog.live).to.equal(false)
    expect(live.live).to.equal(true)
    expect(live.registrations).to.have.lengthOf(0)

    const other = await startClient()
    try {
      const record = await other.record()
      const s2 = await RawStream.open(other.node, server.getMultiaddrs(), rendezvous)
      expect((await s2.register({ ns: 'chat', signedPeerRecord: record })).status).to.equal(Status.OK)
      const pushed = await reader.next()
      expect(pushed?.registrations).to.have.lengthOf(1)
      expect(pushed?.registrations[0].signedPeerRecord).to.equalBytes(record)
      expect(pushed?.live).to.equal(true)
      // the cookie resumes after the pushed registration: DISCOVER with it finds nothing new
      const rest = await s.discover({ ns: 'chat', cookie: pushed?.cookie })
      expect(rest.registrations).to.have.lengthOf(0)
    } finally {
      await stopAll(other.node)
    }
    expect(server.services.rendezvous.stats().follow?.pushed).to.equal(2)
  })

  it('aborts the stream of a cookie minted for another namespace, and counts it', async () => {
    const s = await RawStream.open(peer.node, server.getMultiaddrs(), rendezvous)
    const { cookie } = await s.discover({ ns: 'other' })
    const stream = await (await client.node.dial(server.getMultiaddrs())).newStream(FOLLOW_PROTOCOL)
    stream.send(encodeFrame(encodeFollowRequest({ ns: 'chat', cookie, formats: [] })))
    expect(await new FrameQueue(stream, decodeFollowEvent, 1 << 20).next()).to.equal(undefined)
    expect(server.services.rendezvous.stats().follow).to.include({ refused: 1, followers: 0 })
  })
})
