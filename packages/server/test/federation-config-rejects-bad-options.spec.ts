import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { memoryStore } from '@rendezvous/store-memory'
import { startNode } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { resolveConfig } from '../src/config.ts'
import { resolveFederation } from '../src/federation-config.ts'
import { InvalidServerConfigError, rendezvousServer } from '../src/index.ts'
import type { FederationInit } from '../src/index.ts'

describe('federation options: bad ones are refused with a typed error naming them', () => {
  it('refuses a missing or empty name, a member that is not a peer ID, a peer without /p2p and no members', async () => {
    const member = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const bad: Array<[unknown, RegExp]> = [
      [{ members: [member] }, /federation\.name/],
      [{ name: '', members: [member] }, /federation\.name/],
      [{ name: 'x', members: ['not-a-peer-id'] }, /federation\.members/],
      [{ name: 'x', peers: ['/ip4/127.0.0.1/tcp/1'] }, /\/p2p\//],
      [{ name: 'x', peers: ['not a multiaddr'] }, /federation\.peers/],
      [{ name: 'x' }, /members or peers/],
      [{ name: 'x', members: [member], redialInterval: -1 }, /redialInterval/]
    ]
    for (const [init, message] of bad) {
      expect(() => resolveFederation(init as FederationInit)).to.throw(InvalidServerConfigError, message)
    }
  })

  it('takes the peer IDs of peers as members and derives the topic from the name', async () => {
    const member = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const config = resolveFederation({ name: 'fleet', peers: [`/ip4/127.0.0.1/tcp/4001/p2p/${member}`] })
    expect([...config.members]).to.deep.equal([member])
    expect(config.topic).to.equal('/rendezvous/federation/1.0.0/fleet')
    expect(resolveConfig({ store: memoryStore(), federation: { name: 'fleet', members: [member] } }).federation?.name).to.equal('fleet')
  })

  it('a node without a gossipsub service does not start a federated point', async () => {
    const member = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    // listening nowhere: libp2p's start() that fails in a service leaves the listeners it opened before it,
    // which stop() (a node that never started) does not close, and the test process would never exit
    const node = await startNode({
      start: false,
      addresses: { listen: [] },
      services: { rendezvous: rendezvousServer({ store: memoryStore(), federation: { name: 'fleet', members: [member] } }) }
    })
    try {
      await expect(node.start()).to.eventually.be.rejected.with.property('name', InvalidServerConfigError.name)
    } finally {
      await node.stop()
    }
  })
})
