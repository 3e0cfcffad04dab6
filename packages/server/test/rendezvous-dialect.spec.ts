import { openPeerRecord, rendezvous, Status } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { COOKIE_BYTES } from '../src/constants.ts'
import { startServer } from './fixtures/nodes.ts'
import { corruptSignature, sealRaw } from './fixtures/records.ts'
import { startScene } from './fixtures/scene.ts'
import type { RendezvousServerInit } from '../src/index.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { Scene } from './fixtures/scene.ts'
import type { TestStore } from './fixtures/test-store.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { ManualClock } from '@rendezvous/store/compliance'

describe('/rendezvous/1.0.0', () => {
  let scene: Scene
  let clock: ManualClock, store: TestStore, server: ServerNode | undefined, client: ClientNode, other: ClientNode, addr: Multiaddr

  /** Serves /rendezvous/1.0.0 with `init`, in place of the point served before */
  async function serve (init: Partial<RendezvousServerInit> = {}): Promise<void> {
    ({ server, addr } = await scene.serve({ dialects: [rendezvous], ...init }))
  }

  beforeEach(async () => {
    scene = await startScene({ clients: 2 })
    ;({ clock, store, server, clients: [client, other] } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  async function open (who = client): Promise<RawStream> {
    return RawStream.open(who.node, addr, rendezvous)
  }

  /** `n` more peers, each registered in `ns` */
  async function registerPeers (n: number, ns = 'ns', ttl?: number): Promise<ClientNode[]> {
    const peers = await Promise.all(Array.from({ length: n }, async () => scene.peer()))
    for (const p of peers) {
      const s = await open(p)
      expect(await s.register({ ns, signedPeerRecord: await p.record(), ttl })).to.deep.include({ status: Status.OK })
      await s.close()
    }
    return peers
  }

  describe('REGISTER', () => {
    beforeEach(async () => { await serve() })

    it('grants the default ttl (7200) when none is given, and a ttl in the window as asked', async () => {
      const s = await open()
      const spr = await client.record()
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK, ttl: 7200 })
      expect(await s.register({ ns: 'b', signedPeerRecord: spr, ttl: 72 * 3600 })).to.deep.include({ status: Status.OK, ttl: 259200 })
      expect((await store.snapshot()).map(r => r.ttl)).to.have.members([7200, 259200])
    })

    it('E_INVALID_TTL outside [7200, 259200], storing nothing', async () => {
      const s = await open()
      const spr = await client.record()
      for (const ttl of [1, 60, 7199, 259201]) {
        expect(await s.register({ ns: 'a', signedPeerRecord: spr, ttl })).to.deep.include({
          status: Status.E_INVALID_TTL, statusText: 'ttl must be between 7200 and 259200 seconds'
        })
      }
      expect((await store.snapshot())).to.be.empty()
    })

    it('grants the default TTL to an explicit TTL of 0, as go-libp2p-rendezvous reads it', async () => {
      const s = await open()
      expect(await s.register({ ns: 'a', signedPeerRecord: await client.record(), ttl: 0 })).to.deep.include({ status: Status.OK, ttl: 7200 })
    })

    it('E_INVALID_NAMESPACE for an empty namespace or one over 255 bytes; 255 bytes are fine', async () => {
      const s = await open()
      const spr = await client.record()
      expect(await s.register({ ns: '', signedPeerRecord: spr })).to.deep.include({ status: Status.E_INVALID_NAMESPACE, statusText: 'namespace is empty' })
      expect(await s.register({ ns: 'x'.repeat(256), signedPeerRecord: spr })).to.deep.include({
        status: Status.E_INVALID_NAMESPACE, statusText: 'namespace is longer than 255 bytes'
      })
      expect(await s.register({ ns: '€'.repeat(86), signedPeerRecord: spr })).to.deep.include({ status: Status.E_INVALID_NAMESPACE })
      expect(await s.register({ ns: 'x'.repeat(255), signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
    })

    it('E_INVALID_SIGNED_PEER_RECORD for a missing, undecodable, badly signed or address-less record', async () => {
      const s = await open()
      expect(await s.register({ ns: 'a' })).to.deep.include({ status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'missing signed peer record' })
      expect(await s.register({ ns: 'a', signedPeerRecord: Uint8Array.from([0xff, 0x01]) })).to.deep.include({
        status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'invalid signed peer record'
      })
      expect(await s.register({ ns: 'a', signedPeerRecord: corruptSignature(await client.record()) })).to.deep.include({
        status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'invalid signed peer record'
      })
      expect(await s.register({ ns: 'a', signedPeerRecord: await sealRaw(client.privateKey, { peerId: other.node.peerId }) })).to.deep.include({
        status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'invalid signed peer record'
      })
      expect(await s.register({ ns: 'a', signedPeerRecord: await sealRaw(client.privateKey, { multiaddrs: [] }) })).to.deep.include({
        status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'missing peer addresses'
      })
      expect((await store.snapshot())).to.be.empty()
    })

    it('E_NOT_AUTHORIZED for a valid record of another peer, and the store is unchanged', async () => {
      const s = await open()
      expect(await s.register({ ns: 'a', signedPeerRecord: await client.record() })).to.deep.include({ status: Status.OK })
      const before = (await store.snapshot())
      expect(await s.register({ ns: 'a', signedPeerRecord: await other.record() })).to.deep.include({
        status: Status.E_NOT_AUTHORIZED, statusText: 'peer id mismatch'
      })
      expect(await s.register({ ns: 'b', signedPeerRecord: await other.record() })).to.deep.include({ status: Status.E_NOT_AUTHORIZED })
      expect((await store.snapshot())).to.deep.equal(before)
    })

    it('a refresh replaces the registration and moves it to the end', async () => {
      const s = await open()
      expect(await s.register({ ns: 'a', signedPeerRecord: await client.record() })).to.deep.include({ status: Status.OK })
      const first = (await store.snapshot())[0]
      clock.advance(1000)
      expect(await s.register({ ns: 'a', signedPeerRecord: await client.record(), ttl: 9000 })).to.deep.include({ status: Status.OK, ttl: 9000 })
      const [second] = (await store.snapshot())
      expect((await store.snapshot())).to.have.lengthOf(1)
      expect(second.position).to.be.greaterThan(first.position)
      expect(second.expiresAt).to.equal(clock.now + 9000 * 1000)
    })
  })

  describe('configured limits', () => {
    it('a configured TTL window (Waku deployments: min 60)', async () => {
      await serve({ ttl: { min: 60 } })
      const s = await open()
      const spr = await client.record()
      expect(await s.register({ ns: 'a', signedPeerRecord: spr, ttl: 60 })).to.deep.include({ status: Status.OK, ttl: 60 })
      expect(await s.register({ ns: 'a', signedPeerRecord: spr, ttl: 59 })).to.deep.include({
        status: Status.E_INVALID_TTL, statusText: 'ttl must be between 60 and 259200 seconds'
      })
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK, ttl: 7200 })
    })

    it('per-peer cap: E_NOT_AUTHORIZED over it, but a refresh of a held namespace does not count', async () => {
      await serve({ maxRegistrationsPerPeer: 3 })
      const s = await open()
      const spr = await client.record()
      for (const ns of ['a', 'b', 'c']) {
        expect(await s.register({ ns, signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      }
      expect(await s.register({ ns: 'd', signedPeerRecord: spr })).to.deep.include({
        status: Status.E_NOT_AUTHORIZED, statusText: 'too many registrations for this peer'
      })
      expect(await s.register({ ns: 'b', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      // another peer has its own allowance
      const t = await open(other)
      expect(await t.register({ ns: 'd', signedPeerRecord: await other.record() })).to.deep.include({ status: Status.OK })
      expect((await store.snapshot()).map(r => r.namespace).sort()).to.deep.equal(['a', 'b', 'c', 'd'])
    })

    it('per-peer cap holds under concurrent REGISTERs from one peer on many streams', async () => {
      await serve({ maxRegistrationsPerPeer: 3, maxInboundStreams: 16 })
      const spr = await client.record()
      const streams = await Promise.all(Array.from({ length: 10 }, async () => open()))
      const answers = await Promise.all(streams.map(async (s, i) => s.register({ ns: `ns-${i}`, signedPeerRecord: spr })))
      expect(answers.filter(a => a.status === Status.OK)).to.have.lengthOf(3)
      expect(answers.filter(a => a.status === Status.E_NOT_AUTHORIZED)).to.have.lengthOf(7)
      expect(await store.count()).to.equal(3)
    })

    it('global cap: E_UNAVAILABLE for a new registration over it, refreshes still OK', async () => {
      await serve({ maxRegistrations: 2 })
      const s = await open()
      const spr = await client.record()
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      expect(await s.register({ ns: 'b', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      const t = await open(other)
      expect(await t.register({ ns: 'a', signedPeerRecord: await other.record() })).to.deep.include({
        status: Status.E_UNAVAILABLE, statusText: 'registration limit reached'
      })
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      // room again once one expires
      clock.advance(7200 * 1000)
      expect(await t.register({ ns: 'a', signedPeerRecord: await other.record() })).to.deep.include({ status: Status.OK })
    })
  })

  describe('DISCOVER', () => {
    beforeEach(async () => { await serve() })

    it('returns the remaining ttl, the namespace and the exact envelope bytes, with a cookie', async () => {
      const spr = await client.record()
      const s = await open()
      await s.register({ ns: 'ns', signedPeerRecord: spr })
      clock.advance(1000 * 1000)
      const res = await s.discover({ ns: 'ns' })
      expect(res.status).to.equal(Status.OK)
      expect(res.registrations).to.have.lengthOf(1)
      expect(res.registrations[0]).to.deep.include({ ns: 'ns', ttl: 6200 })
      expect(res.registrations[0].signedPeerRecord).to.equalBytes(spr)
      expect(res.cookie).to.be.an.instanceOf(Uint8Array)
    })

    it('an OK answer always carries a cookie, even when empty', async () => {
      const s = await open()
      const res = await s.discover({ ns: 'nothing-here' })
      expect(res).to.deep.include({ status: Status.OK, registrations: [] })
      expect(res.cookie).to.have.property('byteLength', COOKIE_BYTES)
    })

    it('an empty namespace discovers across every namespace', async () => {
      await registerPeers(2, 'a')
      await registerPeers(1, 'b')
      const s = await open()
      const res = await s.discover({ ns: '' })
      expect(res.registrations.map(r => r.ns)).to.deep.equal(['a', 'a', 'b'])
    })

    it('limit: 1 and 2 as asked, absent or 0 or 1000 or over means the cap, an int64 -1 (uint64 max) means the cap', async () => {
      await registerPeers(3)
      const s = await open()
      expect((await s.discover({ ns: 'ns', limit: 1 })).registrations).to.have.lengthOf(1)
      expect((await s.discover({ ns: 'ns', limit: 2 })).registrations).to.have.lengthOf(2)
      for (const limit of [undefined, 0, 50, 1000, 100_000]) {
        expect((await s.discover({ ns: 'ns', limit })).registrations).to.have.lengthOf(3, `limit ${limit}`)
      }
      // Message{type: DISCOVER, discover: {ns: "ns", limit: 2^64-1}}, as a Go client writing int64 -1 would
      const body = [0x0a, 0x02, 0x6e, 0x73, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
      const message = [0x08, 0x03, 0x2a, body.length, ...body]
      s.sendBytes(Uint8Array.from([message.length, ...message]))
      expect(await s.next()).to.deep.include({ type: 'DISCOVER_RESPONSE', status: Status.OK }).and.to.have.property('registrations').with.lengthOf(3)
    })

    it('the configured maxDiscoverLimit caps every DISCOVER', async () => {
      await serve({ maxDiscoverLimit: 2 })
      await registerPeers(3)
      const s = await open()
      expect((await s.discover({ ns: 'ns' })).registrations).to.have.lengthOf(2)
      expect((await s.discover({ ns: 'ns', limit: 50 })).registrations).to.have.lengthOf(2)
    })

    it('E_INVALID_NAMESPACE for a namespace over 255 bytes', async () => {
      const s = await open()
      expect(await s.discover({ ns: 'x'.repeat(256) })).to.deep.include({ status: Status.E_INVALID_NAMESPACE, registrations: [] })
    })

    it('never returns an expired registration', async () => {
      const s = await open()
      await s.register({ ns: 'ns', signedPeerRecord: await client.record() })
      clock.advance(7200 * 1000 - 1)
      expect((await s.discover({ ns: 'ns' })).registrations[0]).to.have.property('ttl', 1)
      clock.advance(1)
      expect((await s.discover({ ns: 'ns' })).registrations).to.be.empty()
      expect((await s.discover({ ns: '' })).registrations).to.be.empty()
    })
  })

  describe('cookies', () => {
    beforeEach(async () => { await serve() })

    it('page through a namespace, then poll for what is new', async () => {
      const peers = await registerPeers(5)
      const s = await open()
      const seen: string[] = []
      let cookie: Uint8Array | undefined
      for (const expected of [2, 2, 1, 0]) {
        const res = await s.discover({ ns: 'ns', limit: 2, cookie })
        expect(res.status).to.equal(Status.OK)
        expect(res.registrations).to.have.lengthOf(expected)
        seen.push(...res.registrations.map(r => Buffer.from(r.signedPeerRecord).toString('hex')))
        expect(res.cookie).to.not.be.undefined()
        cookie = res.cookie
      }
      expect(new Set(seen).size).to.equal(5)

      // a new registration and a refresh both show up after the cookie; nothing else does
      const [late] = await registerPeers(1)
      const t = await open(peers[0])
      expect(await t.register({ ns: 'ns', signedPeerRecord: await peers[0].record() })).to.deep.include({ status: Status.OK })
      const res = await s.discover({ ns: 'ns', cookie })
      const owners = await Promise.all(res.registrations.map(async r => (await openPeerRecord(r.signedPeerRecord)).peerId.toString()))
      expect(owners).to.deep.equal([late.node.peerId.toString(), peers[0].node.peerId.toString()])
      expect((await s.discover({ ns: 'ns', cookie: res.cookie })).registrations).to.be.empty()
    })

    it('pages across every namespace with the empty namespace', async () => {
      await registerPeers(2, 'a')
      await registerPeers(2, 'b')
      const s = await open()
      const first = await s.discover({ ns: '', limit: 3 })
      expect(first.registrations.map(r => r.ns)).to.deep.equal(['a', 'a', 'b'])
      const second = await s.discover({ ns: '', limit: 3, cookie: first.cookie })
      expect(second.registrations.map(r => r.ns)).to.deep.equal(['b'])
    })

    it('E_INVALID_COOKIE for a forged, altered, truncated or other-namespace cookie', async () => {
      await registerPeers(2)
      const s = await open()
      const { cookie } = await s.discover({ ns: 'ns', limit: 1 })
      if (cookie == null) {
        throw new Error('no cookie')
      }
      const altered = Uint8Array.from(cookie)
      altered[7] ^= 0x01 // the position's last byte: resume somewhere else
      const forged = Uint8Array.from(cookie)
      forged.set(new TextEncoder().encode('A'.repeat(22)), 11) // a made-up MAC in the right format
      const macFlipped = Uint8Array.from(cookie)
      macFlipped[COOKIE_BYTES - 1] = macFlipped[COOKIE_BYTES - 1] === 0x41 ? 0x42 : 0x41
      const random = crypto.getRandomValues(new Uint8Array(COOKIE_BYTES))
      for (const [what, bad] of [['altered', altered], ['forged', forged], ['mac', macFlipped], ['random', random], ['truncated', cookie.subarray(0, COOKIE_BYTES - 1)], ['empty-ish', Uint8Array.from([1])]] as const) {
        expect(await s.discover({ ns: 'ns', cookie: bad })).to.deep.include({ status: Status.E_INVALID_COOKIE, statusText: 'invalid cookie', registrations: [] }, what)
      }
      // minted for "ns", refused for "other" and for every namespace
      expect(await s.discover({ ns: 'other', cookie })).to.deep.include({ status: Status.E_INVALID_COOKIE })
      expect(await s.discover({ ns: '', cookie })).to.deep.include({ status: Status.E_INVALID_COOKIE })
      // the genuine one still works
      expect((await s.discover({ ns: 'ns', cookie })).registrations).to.have.lengthOf(1)
    })

    it('a cookie of another server (another secret) is refused', async () => {
      const s = await open()
      const { cookie } = await s.discover({ ns: 'ns' })
      const second = await startServer({ store, clock: clock.clock, dialects: [rendezvous] })
      try {
        const t = await RawStream.open(client.node, second.getMultiaddrs()[0], rendezvous)
        expect(await t.discover({ ns: 'ns', cookie })).to.deep.include({ status: Status.E_INVALID_COOKIE })
      } finally {
        await second.stop()
      }
    })
  })

  describe('UNREGISTER', () => {
    beforeEach(async () => { await serve() })

    it('removes the sender\'s registration and sends no response', async () => {
      const s = await open()
      await s.register({ ns: 'ns', signedPeerRecord: await client.record() })
      const t = await open(other)
      await t.register({ ns: 'ns', signedPeerRecord: await other.record() })
      s.send({ type: 'UNREGISTER', ns: 'ns' })
      // answers come in request order: the DISCOVER's is the next message only if the UNREGISTER got none
      const res = await s.discover({ ns: 'ns' })
      expect(res.registrations).to.have.lengthOf(1)
      expect((await store.snapshot()).map(r => r.peerId)).to.deep.equal([other.node.peerId.toString()])
      expect(server?.services.rendezvous.stats().requests).to.include({ 'rendezvous/1.0.0 UNREGISTER -': 1 })
    })

    it('is a no-op when nothing is registered, and the stream keeps working', async () => {
      const s = await open()
      s.send({ type: 'UNREGISTER', ns: 'never' })
      s.send({ type: 'UNREGISTER', ns: '' })
      // the DISCOVER's answer is the next message: neither UNREGISTER was answered
      expect(await s.discover({ ns: 'never' })).to.deep.include({ status: Status.OK, registrations: [] })
      expect((await store.snapshot())).to.be.empty()
    })
  })
})
