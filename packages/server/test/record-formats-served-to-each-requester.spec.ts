import { multiaddr } from '@multiformats/multiaddr'
import { openPeerRecord, rendezvous, Status, wakuV0, wakuV1 } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startScene } from './fixtures/scene.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { ServedScene } from './fixtures/scene.ts'
import type { TestStore } from './fixtures/test-store.ts'
import type { Dialect, DiscoverResponseMessage } from '@rendezvous/codec'

const ADDRESS = [multiaddr('/ip4/127.0.0.1/tcp/4001')]

describe('record formats: each accepted where its dialect carries it, each requester served what it reads', () => {
  let scene: ServedScene
  let store: TestStore, server: ServerNode

  beforeEach(async () => {
    scene = await startScene({ serve: {} })
    ;({ store, server } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  async function peer (options: { userAgent?: string } = {}): Promise<ClientNode> {
    return scene.peer(options)
  }

  async function register (who: ClientNode, format: string, dialect: Dialect = rendezvous, ns = 'mixed'): Promise<number> {
    const s = await RawStream.open(who.node, server.getMultiaddrs(), dialect)
    const response = await s.register({ ns, signedPeerRecord: await who.record(ADDRESS, format) })
    await s.close()
    return response.status
  }

  async function formatsOf (response: DiscoverResponseMessage): Promise<string[]> {
    return Promise.all(response.registrations.map(async r => (await openPeerRecord(r.signedPeerRecord)).format.name))
  }

  /** One standard, one rust-legacy (both over 1.0.0) and one waku registration (over nwaku's dialect) in `mixed` */
  async function mixedNamespace (): Promise<void> {
    expect(await register(await peer(), 'standard')).to.equal(Status.OK)
    expect(await register(await peer(), 'rust-legacy')).to.equal(Status.OK)
    expect(await register(await peer(), 'waku', wakuV1)).to.equal(Status.OK)
  }

  it('accepts standard and rust-legacy records on /rendezvous/1.0.0 and refuses waku ones with 101', async () => {
    expect(await register(await peer(), 'standard')).to.equal(Status.OK)
    expect(await register(await peer(), 'rust-legacy')).to.equal(Status.OK)
    expect(await register(await peer(), 'waku')).to.equal(Status.E_INVALID_SIGNED_PEER_RECORD)
    expect((await store.snapshot()).map(r => r.format)).to.deep.equal(['standard', 'rust-legacy'])
  })

  it('accepts only waku records on /vac/waku/rendezvous/1.0.0 and only standard ones on 0.0.1', async () => {
    expect(await register(await peer(), 'waku', wakuV1)).to.equal(Status.OK)
    expect(await register(await peer(), 'standard', wakuV1)).to.equal(Status.E_INVALID_SIGNED_PEER_RECORD)
    expect(await register(await peer(), 'rust-legacy', wakuV1)).to.equal(Status.E_INVALID_SIGNED_PEER_RECORD)
    expect(await register(await peer(), 'standard', wakuV0)).to.equal(Status.OK)
    expect(await register(await peer(), 'rust-legacy', wakuV0)).to.equal(Status.E_INVALID_SIGNED_PEER_RECORD)
  })

  it('serves a requester that says nothing about itself the dialect\'s common format', async () => {
    await mixedNamespace()
    const asker = await peer()
    const s = await RawStream.open(asker.node, server.getMultiaddrs(), rendezvous)
    expect(await formatsOf(await s.discover({ ns: 'mixed' }))).to.deep.equal(['standard'])
    const n = await RawStream.open(asker.node, server.getMultiaddrs(), wakuV1)
    expect(await formatsOf(await n.discover({ ns: 'mixed' }))).to.deep.equal(['waku'])
  })

  it('serves a peer the format it registered with here (a rust-libp2p peer reads what it writes)', async () => {
    await mixedNamespace()
    const rust = await peer()
    expect(await register(rust, 'rust-legacy', rendezvous, 'other')).to.equal(Status.OK)
    const s = await RawStream.open(rust.node, server.getMultiaddrs(), rendezvous)
    expect(await formatsOf(await s.discover({ ns: 'mixed' }))).to.deep.equal(['rust-legacy'])
  })

  it('serves a peer whose identify agent version is rust-libp2p/* only rust-legacy records', async () => {
    await mixedNamespace()
    const rust = await peer({ userAgent: 'rust-libp2p/0.57.1' })
    const identified = new Promise<void>(resolve => {
      server.addEventListener('peer:identify', (evt) => {
        if (evt.detail.peerId.equals(rust.node.peerId)) {
          resolve()
        }
      })
    })
    const s = await RawStream.open(rust.node, server.getMultiaddrs(), rendezvous)
    await identified
    expect(await formatsOf(await s.discover({ ns: 'mixed' }))).to.deep.equal(['rust-legacy'])
  })

  it('serves exactly the formats a DISCOVER lists (this project\'s client lists every format it reads)', async () => {
    await mixedNamespace()
    const s = await RawStream.open((await peer()).node, server.getMultiaddrs(), rendezvous)
    expect(await formatsOf(await s.discover({ ns: 'mixed', acceptFormats: ['standard', 'rust-legacy', 'waku'] }))).to.deep.equal(['standard', 'rust-legacy', 'waku'])
    expect(await formatsOf(await s.discover({ ns: 'mixed', acceptFormats: ['waku'] }))).to.deep.equal(['waku'])
    expect(await formatsOf(await s.discover({ ns: 'mixed', acceptFormats: ['no-such-format'] }))).to.deep.equal([])
  })

  it('pages a filtered namespace exactly: every readable registration once, then an empty page', async () => {
    // interleave 5 rust-legacy registrations with 5 standard ones
    for (let i = 0; i < 5; i++) {
      expect(await register(await peer(), 'standard')).to.equal(Status.OK)
      expect(await register(await peer(), 'rust-legacy')).to.equal(Status.OK)
    }
    const rust = await peer()
    expect(await register(rust, 'rust-legacy', rendezvous, 'own')).to.equal(Status.OK)
    const s = await RawStream.open(rust.node, server.getMultiaddrs(), rendezvous)
    const seen: string[] = []
    let cookie: Uint8Array | undefined
    for (let page = 0; page < 10; page++) {
      const response = await s.discover({ ns: 'mixed', limit: 2, cookie })
      expect(await formatsOf(response)).to.satisfy((formats: string[]) => formats.every(f => f === 'rust-legacy'))
      if (response.registrations.length === 0) {
        break
      }
      seen.push(...response.registrations.map(r => r.signedPeerRecord.toString()))
      cookie = response.cookie
    }
    expect(seen).to.have.length(5)
    expect(new Set(seen).size).to.equal(5)
  })

  it('UNREGISTER with an empty namespace removes every registration of the peer on /rendezvous/1.0.0 and nothing on nwaku\'s', async () => {
    const p = await peer()
    expect(await register(p, 'standard', rendezvous, 'a')).to.equal(Status.OK)
    expect(await register(p, 'standard', rendezvous, 'b')).to.equal(Status.OK)
    expect(await register(p, 'waku', wakuV1, 'c')).to.equal(Status.OK)
    const n = await RawStream.open(p.node, server.getMultiaddrs(), wakuV1)
    n.send({ type: 'UNREGISTER', ns: '' })
    await n.end()
    expect(await store.snapshot()).to.have.length(3)
    const s = await RawStream.open(p.node, server.getMultiaddrs(), rendezvous)
    s.send({ type: 'UNREGISTER', ns: '' })
    // the point answers nothing to UNREGISTER: a DISCOVER on the same stream orders after it
    expect((await s.discover({ ns: '', acceptFormats: ['standard', 'waku'] })).registrations).to.be.empty()
    expect(await store.snapshot()).to.be.empty()
  })
})
