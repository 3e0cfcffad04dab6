import { openPeerRecord, rendezvous, Status } from '@rendezvous/codec'
import { rendezvousServer } from '@rendezvous/server'
import { memoryStore } from '@rendezvous/store-memory'
import { expect } from 'aegir/chai'
import { NoAnswerError, rendezvousClient } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import { createScriptedPoint } from './fixtures/scripted-point.ts'
import type { PointInput, RendezvousClient } from '../src/index.ts'
import type { ScriptedPoint } from './fixtures/scripted-point.ts'
import type { Libp2p } from '@libp2p/interface'
import type { RegisterMessage } from '@rendezvous/codec'

type ClientNode = Libp2p<{ rendezvous: RendezvousClient, identify: unknown }>

async function client (point: PointInput): Promise<ClientNode> {
  return createNode({ rendezvous: rendezvousClient({ points: [point] }) }) as Promise<ClientNode>
}

/** A point that, like a rust-libp2p one, resets a REGISTER whose record it cannot read and takes rust-legacy records */
async function rustLikePoint (): Promise<ScriptedPoint> {
  return createScriptedPoint(async (request) => {
    if (request.type !== 'REGISTER') {
      return { close: true }
    }
    const record = await openPeerRecord((request).signedPeerRecord ?? new Uint8Array(0), { formats: ['rust-legacy'] }).catch(() => undefined)
    return record == null ? { abort: true } : { message: { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl: 7200 } }
  }, [rendezvous])
}

async function formatOf (request: RegisterMessage | undefined): Promise<string> {
  return (await openPeerRecord(request?.signedPeerRecord ?? new Uint8Array(0))).format.name
}

describe('record formats on the client', function () {
  this.timeout(30_000)

  afterEach(async () => {
    await stopAll()
  })

  it('registers in the format a point is configured for, and reads every format on DISCOVER', async () => {
    const point = await createNode({ rendezvous: rendezvousServer({ store: memoryStore() }) })
    const address = point.getMultiaddrs()[0].toString()
    const standard = await client({ address, recordFormat: 'standard' })
    const rust = await client({ address, recordFormat: 'rust-legacy' })
    const waku = await client({ address, dialect: '/vac/waku/rendezvous/1.0.0' })
    for (const node of [standard, rust, waku]) {
      const [outcome] = await node.services.rendezvous.register('mixed')
      expect(outcome.error).to.be.undefined()
    }
    const reader = await client(address)
    const { registrations } = await reader.services.rendezvous.discover('mixed')
    const byPeer = new Map(registrations.map(r => [r.peerId.toString(), r.format]))
    expect(byPeer.get(standard.peerId.toString())).to.equal('standard')
    expect(byPeer.get(rust.peerId.toString())).to.equal('rust-legacy')
    expect(byPeer.get(waku.peerId.toString())).to.equal('waku')
  })

  it('with `auto`, registers once more in rust-legacy when a point resets the stream, and remembers it for the point', async () => {
    const point = await rustLikePoint()
    const node = await client(point.address)
    const [first] = await node.services.rendezvous.register('a')
    expect(first.error).to.be.undefined()
    expect(first.ttl).to.equal(7200)
    expect(await Promise.all(point.requests.map(async r => formatOf(r as RegisterMessage)))).to.deep.equal(['standard', 'rust-legacy'])

    const [second] = await node.services.rendezvous.register('b')
    expect(second.error).to.be.undefined()
    expect(point.requests).to.have.length(3)
    expect(await formatOf(point.requests[2] as RegisterMessage)).to.equal('rust-legacy')
  })

  it('with a fixed format, does not retry in another one', async () => {
    const point = await rustLikePoint()
    const node = await client({ address: point.address, recordFormat: 'standard' })
    const [outcome] = await node.services.rendezvous.register('a')
    expect(outcome.error).to.be.instanceOf(NoAnswerError)
    expect(point.requests).to.have.length(1)
    await node.services.rendezvous.unregister('a')
  })

  it('refuses an unknown record format in a point option', async () => {
    await expect(client({ address: '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWJ1TsijH7H5F74hfAD5XishQz3sxrmAtVY37GtNd9CqYf', recordFormat: 'nope' as any })).to.eventually.be.rejectedWith(/unknown peer record format/)
  })
})
