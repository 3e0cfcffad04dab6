import { encodeMessageFrame, openPeerRecord, rendezvous, Status, wakuV0 } from '@rendezvous/codec'
import { RawStream, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { INTERNAL_ERROR_TEXT } from '../src/constants.ts'
import { startClient, stopAll } from './fixtures/nodes.ts'
import { startScene } from './fixtures/scene.ts'
import type { RendezvousServerInit } from '../src/index.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { Scene } from './fixtures/scene.ts'
import type { TestStore } from './fixtures/test-store.ts'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The pace of a dripping sender: the behaviour under test is a request that arrives too slowly */
const drip = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('safety', () => {
  let scene: Scene
  let store: TestStore, client: ClientNode, other: ClientNode, addr: Multiaddr

  async function serve (init: Partial<RendezvousServerInit> = {}): Promise<ServerNode> {
    const served = await scene.serve(init)
    addr = served.addr
    return served.server
  }

  beforeEach(async () => {
    scene = await startScene({ clients: 2 })
    ;({ store, clients: [client, other] } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  describe('time limits', () => {
    it('cuts off a stream that sends nothing', async () => {
      const node = await serve({ streamTimeout: 100 })
      const s = await RawStream.open(client.node, addr, rendezvous)
      const end = await s.end(3000)
      expect(end.closed).to.be.false()
      expect(node.services.rendezvous.stats().streams).to.deep.include({ timedOut: 1, active: 0 })
    })

    it('cuts off a stream that drips a request one byte at a time', async () => {
      const node = await serve({ streamTimeout: 150 })
      const s = await RawStream.open(client.node, addr, wakuV0)
      const frame = encodeMessageFrame(wakuV0, { type: 'REGISTER', ns: 'drip', signedPeerRecord: await client.record() })
      // bounded: at most one byte per 25 ms for the frame's length, stops as soon as the stream is cut
      for (let i = 0; i < frame.byteLength && s.stream.status === 'open'; i++) {
        try {
          s.sendBytes(frame.subarray(i, i + 1))
        } catch {
          break
        }
        await drip(25)
      }
      const end = await s.end(3000)
      expect(end.closed).to.be.false()
      expect((await store.snapshot())).to.be.empty()
      expect(node.services.rendezvous.stats().streams.timedOut).to.equal(1)
    })

    it('lets a stream wait between requests longer than streamTimeout, up to idleTimeout, then cuts it off', async () => {
      const node = await serve({ streamTimeout: 100, idleTimeout: 300 })
      const s = await RawStream.open(client.node, addr, wakuV0)
      expect(await s.discover({ ns: 'a' })).to.deep.include({ status: Status.OK })
      // a stream opened after that answer is cut off once streamTimeout has passed for it: by then the first
      // stream has waited longer than streamTimeout
      const witness = await RawStream.open(client.node, addr, wakuV0)
      expect((await witness.end(3000)).closed).to.be.false()
      expect(await s.discover({ ns: 'a' })).to.deep.include({ status: Status.OK })
      const end = await s.end(3000)
      expect(end.closed).to.be.false()
      expect(node.services.rendezvous.stats().streams.timedOut).to.equal(2)
    })
  })

  describe('malformed input', () => {
    it('aborts a stream announcing a frame over maxRequestBytes, before buffering it, and keeps serving others', async () => {
      const node = await serve({ maxRequestBytes: 1024 })
      const s = await RawStream.open(client.node, addr, rendezvous)
      // varint 1025 = 0x81 0x08; nothing else follows
      s.sendBytes(Uint8Array.from([0x81, 0x08]))
      expect((await s.end()).closed).to.be.false()
      const t = await RawStream.open(client.node, addr, rendezvous)
      expect(await t.discover({ ns: 'a' })).to.deep.include({ status: Status.OK })
      expect(node.services.rendezvous.stats().streams.malformed).to.equal(1)
    })

    it('aborts a stream that sends garbage, a response, or a truncated frame; the node keeps serving', async () => {
      const node = await serve()
      const inputs = [
        Uint8Array.from([0x04, 0xff, 0xff, 0xff, 0xff]), // a frame that is not protobuf
        Uint8Array.from([0x02, 0x08, 0x09]), // an unknown message type
        encodeMessageFrame(wakuV0, { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl: 20 }),
        Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) // an endless varint
      ]
      for (const bytes of inputs) {
        const s = await RawStream.open(client.node, addr, wakuV0)
        s.sendBytes(bytes)
        expect((await s.end()).closed).to.be.false()
      }
      const truncated = await RawStream.open(client.node, addr, wakuV0)
      truncated.sendBytes(Uint8Array.from([0x10, 0x08]))
      await truncated.close()
      expect((await truncated.end()).closed).to.be.false()

      const t = await RawStream.open(client.node, addr, wakuV0)
      expect(await t.register({ ns: 'a', signedPeerRecord: await client.record() })).to.deep.include({ status: Status.OK })
      expect(node.services.rendezvous.stats().streams.malformed).to.equal(inputs.length + 1)
    })

    it('answers requests pipelined while the store is slow, then the client\'s close, in order', async () => {
      await serve()
      // the store holds the REGISTER, once it has reached it, until every request and the close are sent
      const release = store.hold()
      const arrived = waitForEvent(store, 'call')
      const s = await RawStream.open(client.node, addr, wakuV0)
      s.send({ type: 'REGISTER', ns: 'p', signedPeerRecord: await client.record() })
      s.send({ type: 'DISCOVER', ns: 'p' })
      s.send({ type: 'DISCOVER', ns: 'q' })
      const closed = s.close()
      await arrived
      release()
      expect(await s.next()).to.deep.include({ type: 'REGISTER_RESPONSE', status: Status.OK })
      expect(await s.next()).to.have.property('registrations').with.lengthOf(1)
      expect(await s.next()).to.have.property('registrations').with.lengthOf(0)
      expect(await s.end()).to.deep.equal({ closed: true })
      await closed
    })

    it('aborts a stream that sends more than 4 request frames\' worth ahead of the answers', async () => {
      const node = await serve({ maxRequestBytes: 1024 })
      // the first DISCOVER stays in flight until the stream is cut
      const release = store.hold()
      const s = await RawStream.open(client.node, addr, wakuV0)
      const frame = encodeMessageFrame(wakuV0, { type: 'DISCOVER', ns: 'x'.repeat(250), limit: 1 })
      // 30 frames of about 260 bytes: over 4 x 1024 while the first is still being answered
      for (let i = 0; i < 30; i++) {
        s.sendBytes(frame)
      }
      expect((await s.end()).closed).to.be.false()
      release()
      expect(node.services.rendezvous.stats().streams.malformed).to.equal(1)
    })

    it('limits streams per connection with maxInboundStreams', async () => {
      await serve({ maxInboundStreams: 2 })
      const a = await RawStream.open(client.node, addr, wakuV0)
      const b = await RawStream.open(client.node, addr, wakuV0)
      await expect(RawStream.open(client.node, addr, wakuV0).then(async c => c.discover({ ns: 'x' }))).to.eventually.be.rejected()
      expect(await a.discover({ ns: 'x' })).to.deep.include({ status: Status.OK })
      expect(await b.discover({ ns: 'x' })).to.deep.include({ status: Status.OK })
    })

    it('cuts a DISCOVER_RESPONSE to maxResponseBytes; the cookie resumes after the last registration sent', async () => {
      await serve({ maxResponseBytes: 1024, dialects: [rendezvous] })
      const peers = await Promise.all(Array.from({ length: 6 }, async () => startClient()))
      try {
        for (const p of peers) {
          const s = await RawStream.open(p.node, addr, rendezvous)
          expect(await s.register({ ns: 'big', signedPeerRecord: await p.record() })).to.deep.include({ status: Status.OK })
          await s.close()
        }
        const s = await RawStream.open(client.node, addr, rendezvous)
        const owners = new Set<string>()
        let cookie: Uint8Array | undefined
        let pages = 0
        for (; pages < 10; pages++) {
          const res = await s.discover({ ns: 'big', cookie })
          if (res.registrations.length === 0) {
            break
          }
          expect(res.registrations.length).to.be.lessThan(6)
          for (const r of res.registrations) {
            owners.add((await openPeerRecord(r.signedPeerRecord)).peerId.toString())
          }
          cookie = res.cookie
        }
        expect(pages).to.be.greaterThan(1)
        expect(owners.size).to.equal(6)
      } finally {
        await stopAll(...peers.map(p => p.node))
      }
    })
  })

  describe('identity', () => {
    it('verifies each distinct envelope once; a byte-identical refresh reuses it, the peer check still runs', async () => {
      const node = await serve()
      const opened = (): number => node.services.rendezvous.stats().verifications
      const spr = await client.record()
      const s = await RawStream.open(client.node, addr, wakuV0)
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      expect(await s.register({ ns: 'b', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      expect(opened()).to.equal(1)

      // another peer replaying the cached bytes: no new verification, and still refused
      const t = await RawStream.open(other.node, addr, wakuV0)
      expect(await t.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'peer id mismatch' })
      const u = await RawStream.open(other.node, addr, rendezvous)
      expect(await u.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.E_NOT_AUTHORIZED })
      expect(opened()).to.equal(1)

      // a new envelope (new seq) is verified
      expect(await s.register({ ns: 'a', signedPeerRecord: await client.record() })).to.deep.include({ status: Status.OK })
      expect(opened()).to.equal(2)
      expect(node.services.rendezvous.stats()).to.deep.include({ verifications: 2, verificationCacheHits: 4, verificationCacheSize: 2 })
      expect((await store.snapshot()).map(r => r.peerId)).to.deep.equal([client.node.peerId.toString(), client.node.peerId.toString()])
    })

    it('with the cache disabled, every REGISTER verifies', async () => {
      const node = await serve({ verificationCacheSize: 0 })
      const spr = await client.record()
      const s = await RawStream.open(client.node, addr, rendezvous)
      await s.register({ ns: 'a', signedPeerRecord: spr })
      await s.register({ ns: 'a', signedPeerRecord: spr })
      expect(node.services.rendezvous.stats()).to.deep.include({ verifications: 2, verificationCacheHits: 0 })
    })
  })

  describe('internal errors', () => {
    it('answers E_INTERNAL_ERROR with a generic text when the store fails, in both dialects', async () => {
      const node = await serve()
      const spr = await client.record()
      store.failWith = new Error('SQLITE_CORRUPT: database disk image is malformed at /secret/path')
      for (const dialect of [wakuV0, rendezvous]) {
        const s = await RawStream.open(client.node, addr, dialect)
        expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.equal({
          type: 'REGISTER_RESPONSE', status: Status.E_INTERNAL_ERROR, statusText: INTERNAL_ERROR_TEXT, ttl: dialect === wakuV0 ? 0 : undefined
        })
        const res = await s.discover({ ns: 'a' })
        expect(res).to.deep.include({ status: Status.E_INTERNAL_ERROR, statusText: INTERNAL_ERROR_TEXT, registrations: [] })
        // the stream survives and serves the next request
        s.send({ type: 'DISCOVER', ns: 'a' })
        expect(await s.next()).to.have.property('status', Status.E_INTERNAL_ERROR)
      }
      expect(node.services.rendezvous.stats().internalErrors).to.equal(6)
      store.failWith = undefined
      const s = await RawStream.open(client.node, addr, wakuV0)
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
    })
  })
})
