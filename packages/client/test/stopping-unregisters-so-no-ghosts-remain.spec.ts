import { Status, rendezvous, wakuV0 } from '@rendezvous/codec'
import { waitFor, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { rendezvousDiscovery } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import { startClients, startPoint } from './fixtures/points.ts'
import { createScriptedPoint } from './fixtures/scripted-point.ts'
import type { RendezvousMessage } from '@rendezvous/codec'

describe('stopping unregisters, so stopped peers are not discovered', function () {
  this.timeout(30_000)

  afterEach(async () => {
    await stopAll()
  })

  it('the client sends UNREGISTER for every namespace it keeps registered when its node stops', async () => {
    const point = await startPoint([rendezvous])
    const [leaving, watcher] = await startClients(2, [point.address])
    await leaving.services.rendezvous.register('chat')
    await leaving.services.rendezvous.register('files')
    expect((await watcher.services.rendezvous.discover('chat')).registrations).to.have.lengthOf(1)

    await leaving.stop()
    await waitFor(() => point.unregistered.length === 2, { timeout: 5000, what: 'two UNREGISTERs at the point' })
    expect(point.unregistered.sort()).to.deep.equal([`chat ${leaving.peerId.toString()}`, `files ${leaving.peerId.toString()}`])
    expect((await watcher.services.rendezvous.discover('chat')).registrations).to.deep.equal([])
    expect(await point.node.services.rendezvous.registrations()).to.equal(0)
  })

  it('rendezvousDiscovery unregisters its namespaces when its node stops (no ghosts after a restart)', async () => {
    const point = await startPoint([rendezvous])
    const chat = await createNode({}, {
      peerDiscovery: [rendezvousDiscovery({ points: [point.address], namespaces: ['chat/room'], interval: 100, targetConnections: 0 })]
    })
    await waitFor(async () => await point.node.services.rendezvous.registrations() === 1, { timeout: 10_000, what: 'the discovery to register' })

    await chat.stop()
    await waitFor(() => point.unregistered.length === 1, { timeout: 5000, what: 'the UNREGISTER at the point' })
    expect(point.unregistered).to.deep.equal([`chat/room ${chat.peerId.toString()}`])
    expect(await point.node.services.rendezvous.registrations()).to.equal(0)
  })

  it('a REGISTER still unanswered when the node stops is followed by an UNREGISTER: the point may hold it already', async () => {
    let answer = (): void => {}
    const answering = new Promise<void>(resolve => { answer = resolve })
    const point = await createScriptedPoint(async request => {
      if (request.type !== 'REGISTER') {
        return undefined
      }
      await answering
      return { message: { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl: 7200 } }
    })
    const [leaving] = await startClients(1, [point.address])
    const registered = waitForEvent(point.events, 'request')
    const registering = leaving.services.rendezvous.register('chat')
    await registered

    const unregistered = waitForEvent<CustomEvent<RendezvousMessage>>(point.events, 'request', { accept: evt => evt.detail.type === 'UNREGISTER', what: 'UNREGISTER at the point' })
    const stopping = leaving.stop()
    await unregistered
    answer()
    await Promise.all([stopping, registering])
    expect(point.requests.map(r => r.type)).to.deep.equal(['REGISTER', 'UNREGISTER'])
  })

  it('sends nothing to a /vac/waku/rendezvous/0.0.1 point, which has no UNREGISTER: there the registration expires', async () => {
    const point = await startPoint([wakuV0])
    const [leaving] = await startClients(1, [point.address])
    const [outcome] = await leaving.services.rendezvous.register('chat')
    expect(outcome).to.include({ protocol: wakuV0.protocol })
    await leaving.stop()
    expect(point.unregistered).to.deep.equal([])
    expect(await point.node.services.rendezvous.registrations()).to.equal(1)
  })
})
