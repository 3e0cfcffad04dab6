import { rendezvous, wakuV0 } from '@rendezvous/codec'
import { ManualTimers, waitFor, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { DIAL_BACKOFF_INITIAL } from '../src/constants.ts'
import { rendezvousClient, rendezvousDiscovery } from '../src/index.ts'
import { createNode, stopAll } from './fixtures/nodes.ts'
import { startClients, startPoint } from './fixtures/points.ts'
import type { ClientNode } from './fixtures/points.ts'
import type { DiscoveredRegistration, DiscoverResult, RegistrationOutcome, RendezvousDiscovery, RendezvousDiscoveryInit } from '../src/index.ts'
import type { Libp2p, PeerInfo } from '@libp2p/interface'
import type { Dialect } from '@rendezvous/codec'

async function collect (iterable: AsyncIterable<DiscoveredRegistration>): Promise<string[]> {
  const ids: string[] = []
  for await (const registration of iterable) {
    ids.push(registration.peerId.toString())
  }
  return ids
}

/** At a point speaking `dialects`, client `a` registers in `chat`, then client `b` discovers that namespace */
async function registeredAndDiscovered (dialects: Dialect[]): Promise<{ a: ClientNode, b: ClientNode, outcome: RegistrationOutcome, result: DiscoverResult }> {
  const { address: point } = await startPoint(dialects)
  const [a, b] = await startClients(2, [point])
  const [outcome] = await a.services.rendezvous.register('chat')
  const result = await b.services.rendezvous.discover('chat')
  return { a, b, outcome, result }
}

/** Polls 1 s apart: a delay no other timer of the client or the discovery has (request timeout, linger, debounces) */
const INTERVAL = 1000

/** A discovery that only polls, on a manual clock */
function polling (clock: ManualTimers): Pick<RendezvousDiscoveryInit, 'interval' | 'follow' | 'clock' | 'timers'> {
  return { interval: INTERVAL, follow: false, clock: clock.clock, timers: clock }
}

/** Fire the poll due in `ms` and wait for its end, when the discovery sets the timer of the next one */
async function poll (clock: ManualTimers, ms = INTERVAL): Promise<void> {
  const ended = clock.timerSet(delay => delay === INTERVAL, { what: 'the end of a poll' })
  clock.advance(ms)
  await ended
}

/** The discovery instance libp2p built from `peerDiscovery[0]` */
function discoveryOf (node: Libp2p<any>): RendezvousDiscovery {
  return (node as any).components['peer-discovery-0']
}

describe('the client against the rendezvous server', function () {
  this.timeout(30_000)

  afterEach(async () => {
    await stopAll()
  })

  it('registers, discovers the verified record, and unregisters on /rendezvous/1.0.0', async () => {
    const { a, b, outcome, result } = await registeredAndDiscovered([rendezvous])
    expect(outcome).to.include({ ttl: 7200, protocol: rendezvous.protocol })
    expect(result.registrations.map(r => r.peerId.toString())).to.deep.equal([a.peerId.toString()])
    expect(result.registrations[0].multiaddrs.map(String)).to.deep.equal(a.getMultiaddrs().map(m => m.decapsulateCode(421).toString()))
    expect(result.registrations[0].namespace).to.equal('chat')
    expect(result.cookie).to.be.instanceOf(Uint8Array)

    // the cookie: nothing new since
    const again = await b.services.rendezvous.discover('chat', { cookie: result.cookie })
    expect(again.registrations).to.deep.equal([])

    await a.services.rendezvous.unregister('chat')
    await waitFor(async () => (await b.services.rendezvous.discover('chat')).registrations.length === 0, { timeout: 5000, what: 'the registration to go' })
  })

  it('refreshes against the server\'s short TTL window, 200 ms before each 1 s grant runs out', async () => {
    const { address: point } = await startPoint([rendezvous], { min: 1, default: 1, max: 10 })
    const clock = new ManualTimers()
    const [a] = await startClients(1, [point], { clock: clock.clock, timers: clock })
    const client = a.services.rendezvous
    const [outcome] = await client.register('short')
    expect(outcome.ttl).to.equal(1)
    for (let refresh = 1; refresh <= 2; refresh++) {
      const refreshed = waitForEvent<CustomEvent<{ ttl: number }>>(client, 'registration')
      clock.advance(800)
      expect((await refreshed).detail.ttl).to.equal(1)
    }
    expect(client.getRegistrations()[0]).to.include({ ttl: 1, failures: 0, nextAttempt: clock.now + 800 })
  })

  it('falls back to /vac/waku/rendezvous/0.0.1 with a point that speaks only that, and gets its 20 s TTL', async () => {
    const { a, outcome, result } = await registeredAndDiscovered([wakuV0])
    expect(outcome).to.include({ ttl: 20, protocol: wakuV0.protocol })
    expect(result.protocol).to.equal(wakuV0.protocol)
    expect(result.registrations.map(r => r.peerId.toString())).to.deep.equal([a.peerId.toString()])
    expect(result.cookie).to.equal(undefined)
  })

  it('prefers /rendezvous/1.0.0 when a point speaks both', async () => {
    const { address: point } = await startPoint([rendezvous, wakuV0])
    const [a] = await startClients(1, [point])
    const [outcome] = await a.services.rendezvous.register('chat')
    expect(outcome.protocol).to.equal(rendezvous.protocol)
  })

  it('pages through every registration with cookies, and resumes from the last cookie per namespace', async () => {
    const { address: point } = await startPoint([rendezvous])
    const registered = await startClients(5, [point])
    await Promise.all(registered.map(async n => n.services.rendezvous.register('paged')))
    await registered[0].services.rendezvous.register('elsewhere')
    const [reader] = await startClients(1, [point])
    const client = reader.services.rendezvous

    const all = await collect(client.discoverAll('paged', { limit: 2 }))
    expect(all.sort()).to.deep.equal(registered.map(n => n.peerId.toString()).sort())
    // 5 registrations in pages of 2, then the empty page that proves the end: 4 DISCOVERs
    expect(client.stats().requests).to.equal(4)

    expect(await collect(client.discoverAll('paged', { limit: 2, resume: true }))).to.deep.equal([])
    // another namespace never starts from this namespace's cookie
    expect(await collect(client.discoverAll('elsewhere', { resume: true }))).to.deep.equal([registered[0].peerId.toString()])

    const [late] = await startClients(1, [point])
    await late.services.rendezvous.register('paged')
    expect(await collect(client.discoverAll('paged', { resume: true }))).to.deep.equal([late.peerId.toString()])
  })

  it('discovery reports each new peer once, never itself, and libp2p fires peer:discovery', async () => {
    const { address: point } = await startPoint([rendezvous])
    const [a, b] = await startClients(2, [point])
    await a.services.rendezvous.register('found')
    await b.services.rendezvous.register('found')

    const clock = new ManualTimers()
    const watcher = await createNode({ rendezvous: rendezvousClient({ points: [point], clock: clock.clock, timers: clock }) }, {
      peerDiscovery: [rendezvousDiscovery({ namespaces: ['found'], targetConnections: 0, ...polling(clock) })]
    })
    const reported: string[] = []
    discoveryOf(watcher).addEventListener('peer', (evt: CustomEvent<PeerInfo>) => { reported.push(evt.detail.id.toString()) })
    const discovered: string[] = []
    watcher.addEventListener('peer:discovery', (evt: CustomEvent<PeerInfo>) => { discovered.push(evt.detail.id.toString()) })

    await poll(clock, 0)
    expect(reported.sort()).to.deep.equal([a, b].map(n => n.peerId.toString()).sort())
    const [c] = await startClients(1, [point])
    await c.services.rendezvous.register('found')
    await poll(clock)
    // three more polls: nothing is reported twice, the watcher (registered too) never reports itself
    for (let i = 0; i < 3; i++) {
      await poll(clock)
    }
    expect(reported.sort()).to.deep.equal([a, b, c].map(n => n.peerId.toString()).sort())
    expect(discovered).to.include.members(reported)
    const addresses = await watcher.peerStore.get(a.peerId)
    expect(addresses.addresses.map(x => x.multiaddr.toString())).to.deep.equal(a.getMultiaddrs().map(m => m.decapsulateCode(421).toString()))
  })

  it('discovery dials discovered peers up to its target, and no further', async () => {
    const { address: point } = await startPoint([rendezvous])
    const registered = await startClients(5, [point])
    await Promise.all(registered.map(async n => n.services.rendezvous.register('crowd')))
    const clock = new ManualTimers()
    const watcher = await createNode({}, {
      peerDiscovery: [rendezvousDiscovery({ namespaces: ['crowd'], targetConnections: 2, register: false, points: [point], ...polling(clock) })]
    })
    const ids = new Set(registered.map(n => n.peerId.toString()))
    const connectedToCrowd = (): number => watcher.getPeers().filter(p => ids.has(p.toString())).length

    // a poll dials before it ends
    await poll(clock, 0)
    expect(connectedToCrowd()).to.equal(2)
    for (let i = 0; i < 3; i++) {
      await poll(clock)
      expect(connectedToCrowd()).to.equal(2)
    }
  })

  it('discovery leaves a peer it cannot reach alone for 5 s, then dials it again', async () => {
    const { address: point } = await startPoint([rendezvous])
    const [gone] = await startClients(1, [point])
    await gone.services.rendezvous.register('crowd')
    // a peer that crashed: its registration stays behind (a stop would UNREGISTER it), its port is closed
    await gone.services.rendezvous.unregister('crowd', { notify: false })
    await gone.stop()
    const clock = new ManualTimers()
    // the gater sees every dial the watcher makes, and allows them all
    const dials: number[] = []
    const watcher = await createNode({}, {
      connectionGater: { denyDialPeer: async peer => { if (peer.equals(gone.peerId)) { dials.push(clock.now) } return false } },
      peerDiscovery: [rendezvousDiscovery({ namespaces: ['crowd'], targetConnections: 2, register: false, points: [point], ...polling(clock) })]
    })
    const start = clock.now
    await poll(clock, 0)
    expect(dials).to.deep.equal([start])
    expect(watcher.getPeers().some(p => p.equals(gone.peerId))).to.equal(false)
    // the polls of the next four seconds leave it alone
    for (let i = 0; i < 4; i++) {
      await poll(clock)
    }
    expect(dials).to.deep.equal([start])
    await poll(clock)
    expect(dials).to.deep.equal([start, start + DIAL_BACKOFF_INITIAL])
  })

  it('discovery through a 0.0.1 point (no cookies) reports each peer once', async () => {
    const { address: point } = await startPoint([wakuV0])
    const [a] = await startClients(1, [point])
    await a.services.rendezvous.register('found')
    const clock = new ManualTimers()
    const watcher = await createNode({}, {
      peerDiscovery: [rendezvousDiscovery({ namespaces: ['found'], targetConnections: 0, points: [point], ...polling(clock) })]
    })
    const reported: string[] = []
    discoveryOf(watcher).addEventListener('peer', (evt: CustomEvent<PeerInfo>) => { reported.push(evt.detail.id.toString()) })
    // each 0.0.1 poll returns every registration again
    for (let i = 0; i < 4; i++) {
      await poll(clock, i === 0 ? 0 : INTERVAL)
    }
    expect(reported).to.deep.equal([a.peerId.toString()])
  })
})
