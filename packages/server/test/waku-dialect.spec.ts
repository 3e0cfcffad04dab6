import { Status, wakuV0 } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startClient, stopAll } from './fixtures/nodes.ts'
import { corruptSignature, manyAddresses, sealRaw } from './fixtures/records.ts'
import { startScene } from './fixtures/scene.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { ServedScene } from './fixtures/scene.ts'
import type { TestStore } from './fixtures/test-store.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { RegisterMessage, RegisterResponseMessage } from '@rendezvous/codec'
import type { ManualClock } from '@rendezvous/store/compliance'

describe('/vac/waku/rendezvous/0.0.1', () => {
  let scene: ServedScene
  let clock: ManualClock, store: TestStore, server: ServerNode, addr: Multiaddr, client: ClientNode, other: ClientNode

  beforeEach(async () => {
    scene = await startScene({ serve: { dialects: [wakuV0] }, clients: 2 })
    ;({ clock, store, server, addr, clients: [client, other] } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  async function open (who = client): Promise<RawStream> {
    return RawStream.open(who.node, addr, wakuV0)
  }

  describe('REGISTER checks, in the reference\'s order, first failure decides', () => {
    // every case also fails every later check, so only the order can explain the answer; a case's request is
    // made inside its test, once the clients exist
    const checks: Array<{ title: string, request(): Promise<Omit<RegisterMessage, 'type'>>, answer: Partial<RegisterResponseMessage> }> = [{
      title: '1. empty namespace: 100 "unspecified namespace"',
      request: async () => ({ ns: '', ttl: -1 }),
      answer: { status: Status.E_INVALID_NAMESPACE, statusText: 'unspecified namespace' }
    }, {
      title: '2. namespace over 256 bytes: 100 "namespace too long"',
      request: async () => ({ ns: 'x'.repeat(257), ttl: -1 }),
      answer: { status: Status.E_INVALID_NAMESPACE, statusText: 'namespace too long' }
    }, {
      title: '2. counts bytes, not characters',
      // 129 two-byte characters: 258 bytes
      request: async () => ({ ns: 'é'.repeat(129), signedPeerRecord: await client.record() }),
      answer: { status: Status.E_INVALID_NAMESPACE, statusText: 'namespace too long' }
    }, {
      title: '3. missing record: 101 "missing signed peer record"',
      request: async () => ({ ns: 'ns', ttl: -1 }),
      answer: { status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'missing signed peer record' }
    }, {
      title: '4. undecodable record: 101 "invalid peer record"',
      request: async () => ({ ns: 'ns', signedPeerRecord: Uint8Array.from([1, 2, 3, 4]), ttl: -1 }),
      answer: { status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'invalid peer record' }
    }, {
      title: '4. badly signed record of another peer: "invalid peer record" (the signature is checked before the peer)',
      request: async () => ({ ns: 'ns', signedPeerRecord: corruptSignature(await other.record()), ttl: -1 }),
      answer: { status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'invalid peer record' }
    }, {
      title: '4. record whose peer ID is not the signing key: "invalid peer record"',
      request: async () => ({ ns: 'ns', signedPeerRecord: await sealRaw(client.privateKey, { peerId: other.node.peerId }), ttl: -1 }),
      answer: { status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'invalid peer record' }
    }, {
      title: '5. valid record of another peer: 101 "peer id mismatch"',
      request: async () => ({ ns: 'ns', signedPeerRecord: await sealRaw(other.privateKey, { multiaddrs: [] }), ttl: -1 }),
      answer: { status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'peer id mismatch' }
    }, {
      title: '6. no addresses: 101 "missing peer addresses"',
      request: async () => ({ ns: 'ns', signedPeerRecord: await sealRaw(client.privateKey, { multiaddrs: [] }), ttl: -1 }),
      answer: { status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'missing peer addresses' }
    }, {
      title: '7. addresses over 2048 bytes: 101 "peer info too long"',
      request: async () => ({ ns: 'ns', signedPeerRecord: await client.record(manyAddresses(257)), ttl: -1 }),
      answer: { status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'peer info too long' }
    }, {
      title: '7. exactly 2048 bytes of addresses are accepted',
      request: async () => ({ ns: 'ns', signedPeerRecord: await client.record(manyAddresses(256)) }),
      answer: { status: Status.OK, ttl: 20 }
    }]

    for (const { title, request, answer } of checks) {
      it(title, async () => {
        const s = await open()
        const res = await s.register(await request())
        expect(res).to.deep.include(answer)
      })
    }

    it('4. record present but empty (`12 00`): 101 "invalid peer record", as the reference answers', async () => {
      const s = await open()
      // REGISTER { ns "ns", signedPeerRecord "" }: no encoder writes an empty record, so the bytes are spelled out
      s.sendBytes(Uint8Array.from([0x08, 0x12, 0x06, 0x0a, 0x02, 0x6e, 0x73, 0x12, 0x00]))
      const res = await s.next()
      expect(res).to.deep.include({ type: 'REGISTER_RESPONSE', status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'invalid peer record' })
    })

    it('8. ttl below 0 or above 20: 102 "bad ttl"', async () => {
      const s = await open()
      const spr = await client.record()
      expect(await s.register({ ns: 'ns', signedPeerRecord: spr, ttl: -1 })).to.deep.include({ status: Status.E_INVALID_TTL, statusText: 'bad ttl' })
      expect(await s.register({ ns: 'ns', signedPeerRecord: spr, ttl: 21 })).to.deep.include({ status: Status.E_INVALID_TTL, statusText: 'bad ttl' })
      expect((await store.snapshot())).to.be.empty()
    })

    it('ttl 0 (absent) is granted as 20, and 1..20 as given: OK always carries ttl > 0', async () => {
      const s = await open()
      const spr = await client.record()
      expect(await s.register({ ns: 'a', signedPeerRecord: spr, ttl: 0 })).to.deep.include({ status: Status.OK, ttl: 20 })
      expect(await s.register({ ns: 'b', signedPeerRecord: spr })).to.deep.include({ status: Status.OK, ttl: 20 })
      expect(await s.register({ ns: 'c', signedPeerRecord: spr, ttl: 1 })).to.deep.include({ status: Status.OK, ttl: 1 })
      expect(await s.register({ ns: 'd', signedPeerRecord: spr, ttl: 20 })).to.deep.include({ status: Status.OK, ttl: 20 })
      const stored = (await store.snapshot()).map(r => [r.namespace, r.ttl, r.expiresAt - r.registeredAt])
      expect(stored).to.have.deep.members([['a', 20, 20_000], ['b', 20, 20_000], ['c', 1, 1000], ['d', 20, 20_000]])
    })

    it('a rejected REGISTER changes nothing', async () => {
      const s = await open()
      expect(await s.register({ ns: 'ns', signedPeerRecord: await client.record(), ttl: 10 })).to.deep.include({ status: Status.OK })
      const before = (await store.snapshot())
      await s.register({ ns: 'ns', signedPeerRecord: await client.record(), ttl: 99 })
      await s.register({ ns: 'ns', signedPeerRecord: await other.record() })
      await s.register({ ns: 'ns', signedPeerRecord: corruptSignature(await client.record()) })
      expect((await store.snapshot())).to.deep.equal(before)
    })
  })

  describe('caps (not in the reference)', () => {
    it('per-peer cap: E_NOT_AUTHORIZED; global cap: E_UNAVAILABLE; refreshes pass both', async () => {
      ({ server, addr } = await scene.serve({ dialects: [wakuV0], maxRegistrationsPerPeer: 2, maxRegistrations: 3 }))
      const s = await open()
      const spr = await client.record()
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      expect(await s.register({ ns: 'b', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      expect(await s.register({ ns: 'c', signedPeerRecord: spr })).to.deep.include({
        status: Status.E_NOT_AUTHORIZED, statusText: 'too many registrations for this peer'
      })
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      const t = await open(other)
      const sprOther = await other.record()
      expect(await t.register({ ns: 'a', signedPeerRecord: sprOther })).to.deep.include({ status: Status.OK })
      expect(await t.register({ ns: 'b', signedPeerRecord: sprOther })).to.deep.include({
        status: Status.E_UNAVAILABLE, statusText: 'registration limit reached'
      })
      expect(await t.register({ ns: 'a', signedPeerRecord: sprOther })).to.deep.include({ status: Status.OK })
      expect(await store.count()).to.equal(3)
    })
  })

  describe('DISCOVER', () => {
    async function registerPeers (n: number, ns = 'ns'): Promise<ClientNode[]> {
      const peers = await Promise.all(Array.from({ length: n }, async () => startClient()))
      await Promise.all(peers.map(async p => {
        const s = await open(p)
        expect(await s.register({ ns, signedPeerRecord: await p.record(), ttl: 15 })).to.deep.include({ status: Status.OK })
        await s.close()
      }))
      return peers
    }

    it('returns the exact envelope bytes, the namespace and the originally granted ttl', async () => {
      const spr = await client.record()
      const s = await open()
      await s.register({ ns: 'ns', signedPeerRecord: spr, ttl: 15 })
      clock.advance(10_000)
      const res = await s.discover({ ns: 'ns', limit: 10 })
      expect(res.status).to.equal(Status.OK)
      expect(res.registrations).to.have.lengthOf(1)
      expect(res.registrations[0].ns).to.equal('ns')
      expect(res.registrations[0].signedPeerRecord).to.equalBytes(spr)
      expect(res.registrations[0].ttl).to.equal(15)
      expect(res.cookie).to.be.undefined()
    })

    it('limit 1 and 2 return that many; 0, -1 and 1000 mean 1000 (here: all)', async () => {
      const peers = await registerPeers(3)
      try {
        const s = await open()
        expect((await s.discover({ ns: 'ns', limit: 1 })).registrations).to.have.lengthOf(1)
        expect((await s.discover({ ns: 'ns', limit: 2 })).registrations).to.have.lengthOf(2)
        expect((await s.discover({ ns: 'ns', limit: 50 })).registrations).to.have.lengthOf(3)
        for (const limit of [0, -1, 1000, 5000]) {
          expect((await s.discover({ ns: 'ns', limit })).registrations).to.have.lengthOf(3, `limit ${limit}`)
        }
      } finally {
        await stopAll(...peers.map(p => p.node))
      }
    })

    it('samples: every registration comes back, not the same one or two', async () => {
      const peers = await registerPeers(6)
      try {
        const s = await open()
        const seen = new Set<string>()
        for (let i = 0; i < 40 && seen.size < 6; i++) {
          const res = await s.discover({ ns: 'ns', limit: 2 })
          for (const r of res.registrations) {
            seen.add(Buffer.from(r.signedPeerRecord).toString('hex'))
          }
        }
        expect(seen.size).to.equal(6)
      } finally {
        await stopAll(...peers.map(p => p.node))
      }
    })

    it('an empty namespace answers OK with nothing', async () => {
      const s = await open()
      await s.register({ ns: 'ns', signedPeerRecord: await client.record() })
      expect(await s.discover({ ns: '' })).to.deep.include({ status: Status.OK, registrations: [] })
    })

    it('a namespace over 256 bytes is E_INVALID_NAMESPACE; exactly 256 bytes is OK and empty', async () => {
      const s = await open()
      expect(await s.discover({ ns: 'x'.repeat(257) })).to.deep.include({ status: Status.E_INVALID_NAMESPACE, statusText: 'namespace too long' })
      expect(await s.discover({ ns: 'x'.repeat(256) })).to.deep.include({ status: Status.OK, registrations: [] })
    })

    it('never returns an expired registration', async () => {
      const s = await open()
      await s.register({ ns: 'ns', signedPeerRecord: await client.record(), ttl: 5 })
      clock.advance(4_999)
      expect((await s.discover({ ns: 'ns' })).registrations).to.have.lengthOf(1)
      clock.advance(1)
      expect((await s.discover({ ns: 'ns' })).registrations).to.be.empty()
    })
  })

  describe('streams', () => {
    it('answers several requests on one stream, each as soon as it is decoded', async () => {
      const s = await open()
      const spr = await client.record()
      expect(await s.register({ ns: 'a', signedPeerRecord: spr })).to.deep.include({ status: Status.OK })
      expect((await s.discover({ ns: 'a' })).registrations).to.have.lengthOf(1)
      expect(await s.register({ ns: '', signedPeerRecord: spr })).to.deep.include({ status: Status.E_INVALID_NAMESPACE })
      expect((await s.discover({ ns: 'b' })).registrations).to.be.empty()
      // pipelined: two requests in one write, two answers in order
      s.send({ type: 'DISCOVER', ns: 'a' })
      s.send({ type: 'REGISTER', ns: 'b', signedPeerRecord: spr })
      expect(await s.next()).to.have.property('type', 'DISCOVER_RESPONSE')
      expect(await s.next()).to.deep.include({ type: 'REGISTER_RESPONSE', status: Status.OK })
    })

    it('a reset after the answer is normal: the server keeps serving', async () => {
      const s = await open()
      expect(await s.register({ ns: 'a', signedPeerRecord: await client.record() })).to.deep.include({ status: Status.OK })
      s.abort()
      const t = await open()
      expect((await t.discover({ ns: 'a' })).registrations).to.have.lengthOf(1)
      expect(server.services.rendezvous.stats().streams.malformed).to.equal(0)
    })

    it('closes its side gracefully after the client closes its write side', async () => {
      const s = await open()
      s.send({ type: 'DISCOVER', ns: 'a' })
      await s.close()
      expect(await s.next()).to.have.property('type', 'DISCOVER_RESPONSE')
      expect(await s.end()).to.deep.equal({ closed: true })
    })

    it('counts requests by dialect, type and status', async () => {
      const s = await open()
      await s.register({ ns: 'a', signedPeerRecord: await client.record() })
      await s.register({ ns: 'a', signedPeerRecord: await client.record(), ttl: 99 })
      await s.discover({ ns: 'a' })
      expect(server.services.rendezvous.stats().requests).to.deep.equal({
        'waku/0.0.1 REGISTER OK': 1,
        'waku/0.0.1 REGISTER E_INVALID_TTL': 1,
        'waku/0.0.1 DISCOVER OK': 1
      })
    })
  })
})
