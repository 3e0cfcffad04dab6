import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { openPeerRecord, rendezvous, sealPeerRecord, Status } from '@rendezvous/codec'
import { memoryStore } from '@rendezvous/store-memory'
import { RawStream, startNode, stopAll } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { InvalidServerConfigError, rendezvousServer } from '../src/index.ts'
import { startClient } from './fixtures/nodes.ts'
import type { RendezvousServer } from '../src/index.ts'
import type { Identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import type { DiscoverResponseMessage } from '@rendezvous/codec'

const ADDRESS = [multiaddr('/ip4/127.0.0.1/tcp/4001')]

type PassivePoint = Libp2p<{ identify: Identify, rendezvous: RendezvousServer }>

async function formatsOf (response: DiscoverResponseMessage): Promise<string[]> {
  return Promise.all(response.registrations.map(async r => (await openPeerRecord(r.signedPeerRecord)).format.name))
}

async function agentVersionAt (point: Libp2p, peer: Libp2p): Promise<string | undefined> {
  const agent = (await point.peerStore.get(peer.peerId).catch(() => undefined))?.metadata.get('AgentVersion')
  return agent == null ? undefined : new TextDecoder().decode(agent)
}

describe('a point whose identify does not run on connection open asks a requester itself, when it needs its agent version', () => {
  let point: PassivePoint
  const nodes: Array<Libp2p | undefined> = []

  beforeEach(async () => {
    point = await startNode({
      services: {
        identify: identify({ runOnConnectionOpen: false }),
        rendezvous: rendezvousServer({ store: memoryStore(), identifyService: 'identify' })
      }
    }) as PassivePoint
    // one standard and one rust-legacy registration in `mixed`
    for (const format of ['standard', 'rust-legacy']) {
      const key = await generateKeyPair('Ed25519')
      const registrant = await startNode({ privateKey: key, addresses: { listen: [] } })
      nodes.push(registrant)
      const s = await RawStream.open(registrant, point.getMultiaddrs(), rendezvous)
      expect((await s.register({ ns: 'mixed', signedPeerRecord: await sealPeerRecord(key, ADDRESS, { format }) })).status).to.equal(Status.OK)
      await s.close()
    }
  })

  afterEach(async () => {
    await stopAll(...nodes.splice(0), point)
  })

  it('serves a rust-libp2p peer only rust-legacy records, having asked it over identify', async () => {
    const rust = await startClient({ userAgent: 'rust-libp2p/0.57.1' })
    nodes.push(rust.node)
    const s = await RawStream.open(rust.node, point.getMultiaddrs(), rendezvous)
    // the peer identified the point (it runs identify on open); the point did not ask it
    expect(await agentVersionAt(point, rust.node)).to.equal(undefined)
    expect(await formatsOf(await s.discover({ ns: 'mixed' }))).to.deep.equal(['rust-legacy'])
    expect(await agentVersionAt(point, rust.node)).to.equal('rust-libp2p/0.57.1')
    expect(await formatsOf(await s.discover({ ns: 'mixed' }))).to.deep.equal(['rust-legacy'])
  })

  it('serves a peer that does not run identify the dialect\'s common format, without waiting for an answer that never comes', async () => {
    const silent = await startClient()
    nodes.push(silent.node)
    const s = await RawStream.open(silent.node, point.getMultiaddrs(), rendezvous)
    expect(await formatsOf(await s.discover({ ns: 'mixed' }))).to.deep.equal(['standard'])
    expect(await formatsOf(await s.discover({ ns: 'mixed' }))).to.deep.equal(['standard'])
    expect(await agentVersionAt(point, silent.node)).to.equal(undefined)
  })

  it('still answers every peer that asks who the point is', async () => {
    const asker = await startNode({ addresses: { listen: [] }, services: { identify: identify({ runOnConnectionOpen: false }) } })
    nodes.push(asker)
    const connection = await asker.dial(point.getMultiaddrs())
    const result = await asker.services.identify.identify(connection)
    expect(result.peerId.equals(point.peerId)).to.equal(true)
    expect(result.protocols).to.include(rendezvous.protocol)
  })
})

describe('identifyService names a service the node has', () => {
  it('refuses to start when no identify service has that name', async () => {
    const node = await startNode({
      start: false,
      // listening nowhere: a start that fails leaves libp2p's listeners open (docs/upstream.md)
      addresses: { listen: [] },
      privateKey: await generateKeyPair('Ed25519'),
      services: { rendezvous: rendezvousServer({ store: memoryStore(), identifyService: 'who' }) }
    })
    const err = await Promise.resolve(node.start()).then(() => undefined, (e: Error) => e)
    await node.stop()
    expect(err).to.be.instanceOf(InvalidServerConfigError)
    expect(err?.message).to.match(/identifyService names "who"/)
  })
})
