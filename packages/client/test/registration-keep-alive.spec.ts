import { multiaddr } from '@multiformats/multiaddr'
import { Status, openPeerRecord, wakuV0 } from '@rendezvous/codec'
import { expect } from 'aegir/chai'
import { NoAddressesToRegisterError, RendezvousStatusError, rendezvousClient } from '../src/index.ts'
import { createNode, stopAll, waitFor } from './fixtures/nodes.ts'
import { createScriptedPoint } from './fixtures/scripted-point.ts'
import type { Reply } from './fixtures/scripted-point.ts'
import type { RegisterMessage, RendezvousMessage } from '@rendezvous/codec'

const ns = 'keep-alive'

function ok (ttl?: number): Reply {
  return { message: { type: 'REGISTER_RESPONSE', status: Status.OK, statusText: '', ttl } }
}

function rejected (status: number, statusText = ''): Reply {
  return { message: { type: 'REGISTER_RESPONSE', status: status as any, statusText } }
}

function registers (requests: RendezvousMessage[]): RegisterMessage[] {
  return requests.filter((r): r is RegisterMessage => r.type === 'REGISTER')
}

/** Fast schedules: jitter pinned to its lowest value, so retry n waits backoffInitial × 2^(n−1) / 2 */
const fast = { backoffInitial: 100, backoffMax: 400, random: () => 0 }

describe('registrations kept alive', function () {
  this.timeout(20_000)

  afterEach(async () => {
    await stopAll()
  })

  it('returns what each point granted, with the error of the point that refused', async () => {
    const good = await createScriptedPoint(() => ok(3600))
    const bad = await createScriptedPoint(() => rejected(Status.E_INVALID_TTL, 'bad ttl'))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [good.address, bad.address] }) })

    const outcomes = await node.services.rendezvous.register(ns, { ttl: 3600 })
    expect(outcomes[0]).to.include({ ttl: 3600, protocol: '/rendezvous/1.0.0' })
    expect(outcomes[0].point.equals(good.node.peerId)).to.equal(true)
    expect(outcomes[1].error).to.be.instanceOf(RendezvousStatusError)
    expect(outcomes[1].error).to.include({ status: 102, statusName: 'E_INVALID_TTL', statusText: 'bad ttl' })

    // the REGISTER carried our own verified record with our listen address and the requested ttl
    const [request] = registers(good.requests)
    expect(request).to.include({ ns, ttl: 3600 })
    const record = await openPeerRecord(request.signedPeerRecord ?? new Uint8Array())
    expect(record.peerId.equals(node.peerId)).to.equal(true)
    expect(record.multiaddrs.map(String)).to.deep.equal(node.getMultiaddrs().map(a => a.decapsulateCode(421).toString()))

    // the refusal for good is not retried; the grant is refreshed before it runs out
    const [granted, refused] = node.services.rendezvous.getRegistrations()
    expect(refused.nextAttempt).to.equal(undefined)
    expect(granted.nextAttempt).to.be.a('number')
    expect(granted.expires).to.be.a('number')
    expect((granted.expires ?? 0) - (granted.nextAttempt ?? 0)).to.be.within(59_000, 61_000)
  })

  it('re-registers before a short TTL runs out, again and again', async () => {
    const point = await createScriptedPoint(() => ok(1))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address] }) })
    const events: number[] = []
    node.services.rendezvous.addEventListener('registration', () => { events.push(Date.now()) })

    await node.services.rendezvous.register(ns)
    await waitFor(() => events.length >= 3, 5000, 'two refreshes')
    // 1 s TTL: renewed 0.2 s before it runs out
    for (let i = 1; i < events.length; i++) {
      expect(events[i] - events[i - 1]).to.be.at.least(700)
    }
    expect(registers(point.requests).every(r => r.ns === ns)).to.equal(true)
  })

  it('backs off after failures, then keeps the registration alive', async () => {
    let failures = 2
    const point = await createScriptedPoint(() => failures-- > 0 ? rejected(Status.E_UNAVAILABLE, 'busy') : ok(3600))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address], refresh: fast }) })
    const client = node.services.rendezvous
    const errors: Error[] = []
    client.addEventListener('registration:error', evt => { errors.push(evt.detail.error) })

    const [first] = await client.register(ns)
    expect(first.error).to.be.instanceOf(RendezvousStatusError)
    expect(client.getRegistrations()[0]).to.include({ failures: 1 })

    await waitFor(() => client.getRegistrations()[0].ttl === 3600, 5000, 'the retry to succeed')
    expect(errors).to.have.lengthOf(2)
    expect(registers(point.requests)).to.have.lengthOf(3)
    expect(client.getRegistrations()[0]).to.include({ failures: 0, lastError: undefined })
  })

  it('retries a point that does not answer', async () => {
    let silent = true
    const point = await createScriptedPoint(() => silent ? { silence: true } : ok(3600))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address], timeout: 200, refresh: fast }) })
    const [outcome] = await node.services.rendezvous.register(ns)
    expect(outcome.error).to.have.property('name', 'RendezvousTimeoutError')
    silent = false
    await waitFor(() => node.services.rendezvous.getRegistrations()[0].ttl === 3600, 5000, 'the retry to succeed')
  })

  it('registers again when the node\'s addresses change', async () => {
    const point = await createScriptedPoint(() => ok(3600))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address] }) })
    await node.services.rendezvous.register(ns)
    expect(registers(point.requests)).to.have.lengthOf(1)

    const external = multiaddr('/ip4/203.0.113.5/tcp/4001')
    ;(node as any).components.addressManager.confirmObservedAddr(external, { type: 'observed' })

    await waitFor(() => registers(point.requests).length === 2, 5000, 'a REGISTER with the new address')
    const record = await openPeerRecord(registers(point.requests)[1].signedPeerRecord ?? new Uint8Array())
    expect(record.multiaddrs.map(String)).to.include(external.toString())
  })

  it('waits for an address when the node has none, then registers', async () => {
    const point = await createScriptedPoint(() => ok(3600))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address], refresh: { backoffInitial: 60_000 } }) }, { addresses: { listen: [] } })
    const [outcome] = await node.services.rendezvous.register(ns)
    expect(outcome.error).to.be.instanceOf(NoAddressesToRegisterError)

    ;(node as any).components.addressManager.confirmObservedAddr(multiaddr('/ip4/203.0.113.7/tcp/4001'), { type: 'observed' })
    await waitFor(() => registers(point.requests).length === 1, 5000, 'the REGISTER')
    await waitFor(() => node.services.rendezvous.getRegistrations()[0].ttl === 3600, 5000, 'the grant')
  })

  it('registers only the addresses the address filter keeps', async () => {
    const point = await createScriptedPoint(() => ok(3600))
    const node = await createNode({
      rendezvous: rendezvousClient({ points: [point.address], addressFilter: a => a.toString().startsWith('/ip4/127.0.0.1/') })
    }, { addresses: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.2/tcp/0'] } })
    await node.services.rendezvous.register(ns)
    const record = await openPeerRecord(registers(point.requests)[0].signedPeerRecord ?? new Uint8Array())
    expect(record.multiaddrs.map(String)).to.have.lengthOf(1)
    expect(record.multiaddrs[0].toString()).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/)
  })

  it('sends UNREGISTER on /rendezvous/1.0.0 and stops refreshing', async () => {
    const point = await createScriptedPoint(() => ok(1))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address] }) })
    await node.services.rendezvous.register(ns)
    const [outcome] = await node.services.rendezvous.unregister(ns)
    expect(outcome.sent).to.equal(true)
    await waitFor(() => point.requests.some(r => r.type === 'UNREGISTER'), 5000, 'the UNREGISTER')
    expect(point.requests.at(-1)).to.deep.equal({ type: 'UNREGISTER', ns })
    expect(node.services.rendezvous.getRegistrations()).to.deep.equal([])
    await new Promise(resolve => setTimeout(resolve, 1200))
    expect(registers(point.requests)).to.have.lengthOf(1)
  })

  it('only stops refreshing on /vac/waku/rendezvous/0.0.1, which has no UNREGISTER', async () => {
    const point = await createScriptedPoint(() => ok(20), [wakuV0])
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address] }) })
    const [registered] = await node.services.rendezvous.register(ns)
    expect(registered).to.include({ ttl: 20, protocol: wakuV0.protocol })
    const [outcome] = await node.services.rendezvous.unregister(ns)
    expect(outcome.sent).to.equal(false)
    expect(point.requests.map(r => r.type)).to.deep.equal(['REGISTER'])
  })

  it('keeps alive a registration asked for before the node started', async () => {
    const point = await createScriptedPoint(() => ok(1))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address] }) })
    // the node runs (it can dial), the client service has not started yet
    await node.services.rendezvous.stop()
    const [outcome] = await node.services.rendezvous.register(ns)
    expect(outcome.ttl).to.equal(1)
    expect(node.services.rendezvous.getRegistrations()[0].nextAttempt).to.equal(undefined)
    node.services.rendezvous.start()
    await waitFor(() => registers(point.requests).length >= 2, 5000, 'the refresh once started')
  })

  it('forgets every registration on stop', async () => {
    const point = await createScriptedPoint(() => ok(1))
    const node = await createNode({ rendezvous: rendezvousClient({ points: [point.address] }) })
    await node.services.rendezvous.register(ns)
    await node.stop()
    expect(node.services.rendezvous.getRegistrations()).to.deep.equal([])
  })
})
