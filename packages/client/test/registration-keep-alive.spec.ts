import { multiaddr } from '@multiformats/multiaddr'
import { Status, openPeerRecord, wakuV0 } from '@rendezvous/codec'
import { ManualTimers, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { ADDRESS_CHANGE_DEBOUNCE } from '../src/constants.ts'
import { NoAddressesToRegisterError, RendezvousStatusError, rendezvousClient } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import { createScriptedPoint } from './fixtures/scripted-point.ts'
import type { Reply, ScriptedPoint } from './fixtures/scripted-point.ts'
import type { RendezvousClient, RendezvousClientInit } from '../src/index.ts'
import type { Libp2p } from '@libp2p/interface'
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

/** Jitter pinned to its lowest value: retry n waits DEFAULT_BACKOFF_INITIAL × 2^(n−1) / 2, so 500 ms, then 1000 ms */
const noJitter = { random: () => 0 }

interface KeptAlive {
  clock: ManualTimers
  node: Libp2p<{ rendezvous: RendezvousClient }>
  client: RendezvousClient
}

/** A node whose client schedules on a manual clock: nothing is refreshed or retried until the test advances it */
async function keptAlive (points: string[], init: RendezvousClientInit = {}, options: Record<string, any> = {}): Promise<KeptAlive> {
  const clock = new ManualTimers()
  const node = await createNode({ rendezvous: rendezvousClient({ points, clock: clock.clock, timers: clock, ...init }) }, options)
  return { clock, node, client: node.services.rendezvous }
}

/**
 * Advance the clock to just before `ms` and check that the client sent nothing meanwhile (a timer that fires
 * starts its request at once, counted before the first await), then the last millisecond, resolving with the
 * event that follows
 */
async function advanceUntil (kept: KeptAlive, ms: number, event: 'registration' | 'registration:error'): Promise<void> {
  const requests = kept.client.stats().requests
  kept.clock.advance(ms - 1)
  expect(kept.client.stats().requests, `a request before ${ms} ms`).to.equal(requests)
  const happened = waitForEvent(kept.client, event)
  kept.clock.advance(1)
  await happened
}

/** The next request that reaches the point; subscribe before what sends it */
async function arrival (point: ScriptedPoint, type: RendezvousMessage['type']): Promise<void> {
  await waitForEvent<CustomEvent<RendezvousMessage>>(point.events, 'request', { accept: evt => evt.detail.type === type, what: `a ${type} at the point` })
}

describe('registrations kept alive', function () {
  this.timeout(20_000)

  afterEach(async () => {
    await stopAll()
  })

  it('returns what each point granted, with the error of the point that refused', async () => {
    const good = await createScriptedPoint(() => ok(3600))
    const bad = await createScriptedPoint(() => rejected(Status.E_INVALID_TTL, 'bad ttl'))
    const { clock, node, client } = await keptAlive([good.address, bad.address])

    const outcomes = await client.register(ns, { ttl: 3600 })
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

    // the refusal for good is not retried; the grant is refreshed 60 s before it runs out (the margin's cap)
    const [granted, refused] = client.getRegistrations()
    expect(refused.nextAttempt).to.equal(undefined)
    expect(granted).to.include({ expires: clock.now + 3_600_000, nextAttempt: clock.now + 3_540_000 })
  })

  it('renews a 1 s registration 200 ms before it runs out, again and again', async () => {
    const point = await createScriptedPoint(() => ok(1))
    const kept = await keptAlive([point.address])
    const [outcome] = await kept.client.register(ns)
    expect(outcome.ttl).to.equal(1)

    for (let refresh = 1; refresh <= 3; refresh++) {
      expect(kept.client.getRegistrations()[0]).to.include({ expires: kept.clock.now + 1000, nextAttempt: kept.clock.now + 800 })
      await advanceUntil(kept, 800, 'registration')
    }
    expect(registers(point.requests)).to.have.lengthOf(4)
    expect(registers(point.requests).every(r => r.ns === ns)).to.equal(true)
  })

  it('backs off after failures (500 ms, then 1000 ms), then keeps the registration alive', async () => {
    let failures = 2
    const point = await createScriptedPoint(() => failures-- > 0 ? rejected(Status.E_UNAVAILABLE, 'busy') : ok(3600))
    const kept = await keptAlive([point.address], { refresh: noJitter })
    const { client, clock } = kept

    const [first] = await client.register(ns)
    expect(first.error).to.be.instanceOf(RendezvousStatusError)
    expect(client.getRegistrations()[0]).to.include({ failures: 1, nextAttempt: clock.now + 500 })

    await advanceUntil(kept, 500, 'registration:error')
    expect(client.getRegistrations()[0]).to.include({ failures: 2, nextAttempt: clock.now + 1000 })

    await advanceUntil(kept, 1000, 'registration')
    expect(client.getRegistrations()[0]).to.include({ failures: 0, lastError: undefined, ttl: 3600 })
    expect(registers(point.requests)).to.have.lengthOf(3)
  })

  it('times a silent point out after the request timeout, and retries it', async () => {
    let silent = true
    const point = await createScriptedPoint(() => silent ? { silence: true } : ok(3600))
    const kept = await keptAlive([point.address], { timeout: 200, refresh: noJitter })
    const arrived = arrival(point, 'REGISTER')
    const registering = kept.client.register(ns)
    await arrived
    kept.clock.advance(200)
    const [outcome] = await registering
    expect(outcome.error).to.have.property('name', 'RendezvousTimeoutError')
    expect(outcome.error?.message).to.include('within 200 ms')

    silent = false
    await advanceUntil(kept, 500, 'registration')
    expect(kept.client.getRegistrations()[0]).to.include({ ttl: 3600, failures: 0 })
  })

  it('registers again once the node\'s addresses have stopped changing for the debounce', async () => {
    const point = await createScriptedPoint(() => ok(3600))
    const kept = await keptAlive([point.address])
    await kept.client.register(ns)
    expect(registers(point.requests)).to.have.lengthOf(1)

    const external = multiaddr('/ip4/203.0.113.5/tcp/4001')
    const debouncing = kept.clock.timerSet(delay => delay === ADDRESS_CHANGE_DEBOUNCE, { what: 'the address-change debounce' })
    ;(kept.node as any).components.addressManager.confirmObservedAddr(external, { type: 'observed' })
    await debouncing
    await advanceUntil(kept, ADDRESS_CHANGE_DEBOUNCE, 'registration')

    expect(registers(point.requests)).to.have.lengthOf(2)
    const record = await openPeerRecord(registers(point.requests)[1].signedPeerRecord ?? new Uint8Array())
    expect(record.multiaddrs.map(String)).to.include(external.toString())
  })

  it('waits for an address when the node has none, then registers', async () => {
    const point = await createScriptedPoint(() => ok(3600))
    const kept = await keptAlive([point.address], { refresh: { backoffInitial: 60_000 } }, { addresses: { listen: [] } })
    const [outcome] = await kept.client.register(ns)
    expect(outcome.error).to.be.instanceOf(NoAddressesToRegisterError)
    expect(point.requests).to.deep.equal([])

    const debouncing = kept.clock.timerSet(delay => delay === ADDRESS_CHANGE_DEBOUNCE, { what: 'the address-change debounce' })
    ;(kept.node as any).components.addressManager.confirmObservedAddr(multiaddr('/ip4/203.0.113.7/tcp/4001'), { type: 'observed' })
    await debouncing
    await advanceUntil(kept, ADDRESS_CHANGE_DEBOUNCE, 'registration')
    expect(registers(point.requests)).to.have.lengthOf(1)
    expect(kept.client.getRegistrations()[0]).to.include({ ttl: 3600, failures: 0 })
  })

  it('registers only the addresses the address filter keeps', async () => {
    const point = await createScriptedPoint(() => ok(3600))
    const { client } = await keptAlive([point.address], { addressFilter: a => a.toString().startsWith('/ip4/127.0.0.1/') }, {
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.2/tcp/0'] }
    })
    await client.register(ns)
    const record = await openPeerRecord(registers(point.requests)[0].signedPeerRecord ?? new Uint8Array())
    expect(record.multiaddrs.map(String)).to.have.lengthOf(1)
    expect(record.multiaddrs[0].toString()).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/)
  })

  it('sends UNREGISTER on /rendezvous/1.0.0 and stops refreshing', async () => {
    const point = await createScriptedPoint(() => ok(1))
    const { clock, client } = await keptAlive([point.address])
    await client.register(ns)
    const unregistered = arrival(point, 'UNREGISTER')
    const [outcome] = await client.unregister(ns)
    expect(outcome.sent).to.equal(true)
    await unregistered
    expect(point.requests.at(-1)).to.deep.equal({ type: 'UNREGISTER', ns })
    expect(client.getRegistrations()).to.deep.equal([])

    // a minute later, sixty times the 1 s TTL: no refresh was even started
    const requests = client.stats().requests
    clock.advance(60_000)
    expect(client.stats().requests).to.equal(requests)
    expect(registers(point.requests)).to.have.lengthOf(1)
  })

  it('only stops refreshing on /vac/waku/rendezvous/0.0.1, which has no UNREGISTER', async () => {
    const point = await createScriptedPoint(() => ok(20), [wakuV0])
    const { clock, client } = await keptAlive([point.address])
    const [registered] = await client.register(ns)
    expect(registered).to.include({ ttl: 20, protocol: wakuV0.protocol })
    const [outcome] = await client.unregister(ns)
    expect(outcome.sent).to.equal(false)
    const requests = client.stats().requests
    clock.advance(60_000)
    expect(client.stats().requests).to.equal(requests)
    expect(point.requests.map(r => r.type)).to.deep.equal(['REGISTER'])
  })

  it('keeps alive a registration asked for before the client started, from the moment it starts', async () => {
    const point = await createScriptedPoint(() => ok(1))
    const kept = await keptAlive([point.address])
    // the node runs (it can dial), the client service has not started yet
    await kept.client.stop()
    const [outcome] = await kept.client.register(ns)
    expect(outcome.ttl).to.equal(1)
    expect(kept.client.getRegistrations()[0].nextAttempt).to.equal(undefined)

    kept.client.start()
    expect(kept.client.getRegistrations()[0].nextAttempt).to.equal(kept.clock.now + 800)
    await advanceUntil(kept, 800, 'registration')
    expect(registers(point.requests)).to.have.lengthOf(2)
  })

  it('forgets every registration on stop', async () => {
    const point = await createScriptedPoint(() => ok(1))
    const { node, client } = await keptAlive([point.address])
    await client.register(ns)
    await node.stop()
    expect(client.getRegistrations()).to.deep.equal([])
  })
})
