import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { rendezvous, sealPeerRecord, Status } from '@rendezvous/codec'
import { directoryEachTest, RawStream, startNode, stopAll } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { parseConfig, startDaemon } from '../src/index.ts'
import type { Daemon } from '../src/index.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'

const IDENTIFY = '/ipfs/id/1.0.0'

/** A peer that counts the point's identify requests (and refuses them, as a peer without identify would) */
interface CountingPeer {
  node: Libp2p
  key: PrivateKey
  asked(): number
  /** Resolves at the point's first identify request */
  firstAsk: Promise<void>
}

async function countingPeer (): Promise<CountingPeer> {
  const key = await generateKeyPair('Ed25519')
  const node = await startNode({ privateKey: key, addresses: { listen: [] } })
  let asks = 0
  let told: () => void = () => {}
  const firstAsk = new Promise<void>(resolve => { told = resolve })
  await node.handle(IDENTIFY, (stream) => {
    asks++
    told()
    stream.abort(new Error('this peer does not identify itself'))
  })
  return { node, key, asked: () => asks, firstAsk }
}

describe('identify at a point: every peer that asks is answered; the point asks only the requesters whose agent version it needs', function () {
  this.timeout(30_000)
  let daemon: Daemon | undefined
  const peers: CountingPeer[] = []
  const suite = directoryEachTest('cli-identify', async () => {
    await stopAll(...peers.splice(0).map(p => p.node))
    await daemon?.stop()
    daemon = undefined
  })

  async function start (...flags: string[]): Promise<Daemon> {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', suite.dir, ...flags]))
    return daemon
  }

  async function peer (): Promise<CountingPeer> {
    const p = await countingPeer()
    peers.push(p)
    return p
  }

  it('is read from --identify-every-connection or RENDEZVOUS_IDENTIFY_EVERY_CONNECTION, off when absent', () => {
    expect(parseConfig(['--identify-every-connection'], {}, '/tmp').identifyEveryConnection).to.equal(true)
    expect(parseConfig([], { RENDEZVOUS_IDENTIFY_EVERY_CONNECTION: 'true' }, '/tmp').identifyEveryConnection).to.equal(true)
    expect(parseConfig([], {}, '/tmp').identifyEveryConnection).to.equal(undefined)
  })

  it('does not ask a peer that registers and lists the formats it reads, and asks one that says nothing about itself when it discovers', async () => {
    const point = await start()
    const registrant = await peer()
    const s = await RawStream.open(registrant.node, point.multiaddrs.map(a => multiaddr(a)), rendezvous)
    const record = await sealPeerRecord(registrant.key, [multiaddr('/ip4/127.0.0.1/tcp/4001')])
    expect((await s.register({ ns: 'quiet', signedPeerRecord: record })).status).to.equal(Status.OK)
    expect((await s.discover({ ns: 'quiet', acceptFormats: ['standard'] })).registrations).to.have.length(1)
    // the point's answers came: an identify on connection open would have been asked before them
    expect(registrant.asked()).to.equal(0)

    const stranger = await peer()
    const d = await RawStream.open(stranger.node, point.multiaddrs.map(a => multiaddr(a)), rendezvous)
    const page = await d.discover({ ns: 'quiet' })
    await stranger.firstAsk
    // refused, the point serves the dialect's common format: the registrant's standard record
    expect(page.status).to.equal(Status.OK)
    expect(page.registrations).to.have.length(1)
    expect((await d.discover({ ns: 'quiet' })).registrations).to.have.length(1)
    expect(stranger.asked()).to.equal(1)
  })

  it('asks every peer as it connects with --identify-every-connection', async () => {
    const point = await start('--identify-every-connection')
    const visitor = await peer()
    await visitor.node.dial(point.multiaddrs.map(a => multiaddr(a)))
    await visitor.firstAsk
    expect(visitor.asked()).to.be.at.least(1)
  })
})
