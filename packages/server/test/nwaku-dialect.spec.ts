import { multiaddr } from '@multiformats/multiaddr'
import { encodeMessageFrame, Status, wakuV1 } from '@rendezvous/codec'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startClient } from './fixtures/nodes.ts'
import { startScene } from './fixtures/scene.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { ServedScene } from './fixtures/scene.ts'
import type { TestStore } from './fixtures/test-store.ts'

const ADDRESS = [multiaddr('/ip4/127.0.0.1/tcp/4001')]
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** The point answers nwaku's `/vac/waku/rendezvous/1.0.0` as nim-libp2p's generic rendezvous under nwaku does */
describe('/vac/waku/rendezvous/1.0.0', () => {
  let scene: ServedScene
  let store: TestStore, server: ServerNode, client: ClientNode

  beforeEach(async () => {
    scene = await startScene({ serve: { dialects: [wakuV1] }, clients: 1 })
    ;({ store, server, clients: [client] } = scene)
  })

  afterEach(async () => {
    await scene?.stop()
  })

  async function open (): Promise<RawStream> {
    return RawStream.open(client.node, server.getMultiaddrs(), wakuV1)
  }

  it('grants 60 s to a REGISTER without a TTL, and answers with nwaku\'s exact bytes', async () => {
    const s = await open()
    const response = await s.register({ ns: 'rs/1/mix', signedPeerRecord: await client.record(ADDRESS, 'waku') })
    expect(response).to.deep.include({ status: Status.OK, ttl: 60 })
    // 08 01 (REGISTER_RESPONSE) 1a 04 [08 00 (OK) 18 3c (60)]: what nim-libp2p's sendRegisterResponse writes
    expect(hex(encodeMessageFrame(wakuV1, response))).to.equal('0808011a040800183c')
    expect((await store.snapshot()).map(r => [r.namespace, r.format, r.ttl])).to.deep.equal([['rs/1/mix', 'waku', 60]])
  })

  it('refuses a TTL of 0 or outside [60 s, 72 h] with E_INVALID_TTL and an empty text written on the wire', async () => {
    for (const ttl of [0, 59, 72 * 3600 + 1]) {
      const s = await open()
      const response = await s.register({ ns: 'rs/1/mix', signedPeerRecord: await client.record(ADDRESS, 'waku'), ttl })
      expect(response).to.deep.include({ status: Status.E_INVALID_TTL, statusText: '' })
      expect(hex(encodeMessageFrame(wakuV1, response))).to.equal('0808011a0408661200')
    }
    expect(await store.snapshot()).to.be.empty()
  })

  it('refuses a record that is not a WakuPeerRecord with E_INVALID_SIGNED_PEER_RECORD', async () => {
    const s = await open()
    expect(await s.register({ ns: 'rs/1/mix', signedPeerRecord: await client.record(ADDRESS, 'standard') })).to.deep.include({ status: Status.E_INVALID_SIGNED_PEER_RECORD })
    expect(await store.snapshot()).to.be.empty()
  })

  it('refuses another peer\'s WakuPeerRecord with "Bad Peer ID", as checkWakuPeerRecord does', async () => {
    const other = await startClient()
    try {
      const s = await open()
      expect(await s.register({ ns: 'rs/1/mix', signedPeerRecord: await other.record(ADDRESS, 'waku') })).to.deep.include({
        status: Status.E_INVALID_SIGNED_PEER_RECORD, statusText: 'Bad Peer ID'
      })
    } finally {
      await other.node.stop()
    }
  })

  it('answers one request per stream and then closes it', async () => {
    const s = await open()
    s.send({ type: 'DISCOVER', ns: 'rs/1/mix' })
    s.send({ type: 'DISCOVER', ns: 'rs/1/mix' })
    expect(await s.next()).to.have.property('type', 'DISCOVER_RESPONSE')
    expect(await s.end()).to.have.property('closed', true)
    // the second request was never answered: nothing is left to read
    await expect(s.next(200)).to.eventually.be.rejected()
  })

  it('reads at most 4096 bytes per request', async () => {
    const s = await open()
    s.send({ type: 'DISCOVER', ns: 'rs/1/mix', cookie: new Uint8Array(4100) })
    const end = await s.end()
    expect(end.closed).to.be.false()
    expect(end.error).to.exist()
  })

  it('returns nothing for an explicit DISCOVER limit of 0, and pages with cookies otherwise', async () => {
    const s = await open()
    expect(await s.register({ ns: 'rs/1/mix', signedPeerRecord: await client.record(ADDRESS, 'waku') })).to.deep.include({ status: Status.OK })
    expect((await (await open()).discover({ ns: 'rs/1/mix', limit: 0 })).registrations).to.be.empty()
    const page = await (await open()).discover({ ns: 'rs/1/mix', limit: 12 })
    expect(page.registrations).to.have.length(1)
    expect(page.registrations[0].ttl).to.equal(60)
    expect((await (await open()).discover({ ns: 'rs/1/mix', cookie: page.cookie })).registrations).to.be.empty()
  })
})
