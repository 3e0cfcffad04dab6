import { generateKeyPair } from '@libp2p/crypto/keys'
import { ping } from '@libp2p/ping'
import { startNode, stopAll } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { Key } from 'interface-datastore'
import { PeerStoreDatastore, peerStoreKey } from '../src/peer-store-datastore.ts'
import type { Libp2p } from '@libp2p/interface'

describe('the peer store keeps at most its limit of peers', () => {
  let point: Libp2p<{ ping: ReturnType<ReturnType<typeof ping>> }> | undefined
  let peers: Array<Libp2p<{ ping: ReturnType<ReturnType<typeof ping>> }>> = []

  afterEach(async () => {
    await stopAll(point, ...peers)
    point = undefined
    peers = []
  })

  it('drops the peers heard from least recently, never the point itself', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const datastore = new PeerStoreDatastore(5, privateKey.publicKey)
    point = await startNode({ privateKey, datastore, services: { ping: ping() } })
    // twelve distinct peers each open a stream: js-libp2p writes each one to the peer store
    for (let i = 0; i < 12; i++) {
      const peer = await startNode({ addresses: { listen: [] }, services: { ping: ping() } })
      peers.push(peer)
      await peer.services.ping.ping(point.getMultiaddrs())
      await peer.hangUp(point.peerId)
    }
    // the point's own entry (its protocols) and the four peers heard from last
    expect(datastore.size).to.equal(5)
    expect((await point.peerStore.get(point.peerId)).protocols).to.include('/ipfs/ping/1.0.0')
    for (const peer of peers.slice(-4)) {
      expect(await point.peerStore.has(peer.peerId)).to.equal(true)
    }
    for (const peer of peers.slice(0, 8)) {
      expect(await point.peerStore.has(peer.peerId)).to.equal(false)
    }
    // and the peer store lists what it holds (its own entry aside), through the datastore's query
    expect((await point.peerStore.all()).map(p => p.id.toString()).sort()).to.deep.equal(peers.slice(-4).map(p => p.peerId.toString()).sort())
  })

  it('keys a peer as js-libp2p\'s peer store does, by peer ID or public key alike', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const datastore = new PeerStoreDatastore(1, privateKey.publicKey)
    point = await startNode({ privateKey, datastore })
    await point.peerStore.merge(point.peerId, { protocols: ['/x/1.0.0'] })
    expect(datastore.size).to.equal(1)
    expect(datastore.has(new Key(peerStoreKey(point.peerId)))).to.equal(true)
    expect(peerStoreKey(point.peerId)).to.equal(peerStoreKey(privateKey.publicKey))
  })

  it('answers a missing key with a NotFoundError without a stack trace, and takes no limit below 1', async () => {
    const { publicKey } = await generateKeyPair('Ed25519')
    const datastore = new PeerStoreDatastore(3, publicKey)
    let error: Error | undefined
    try {
      datastore.get(new Key('/peers/nobody'))
    } catch (err: any) {
      error = err
    }
    expect(error?.name).to.equal('NotFoundError')
    expect(error?.stack).to.not.include('\n    at ')
    expect(Error.stackTraceLimit).to.be.greaterThan(0)
    expect(() => new PeerStoreDatastore(0, publicKey)).to.throw(RangeError)
  })
})
