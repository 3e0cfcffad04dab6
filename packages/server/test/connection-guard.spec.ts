import { multiaddr } from '@multiformats/multiaddr'
import { ManualClock } from '@rendezvous/store/compliance'
import { expect } from 'aegir/chai'
import { ConnectionGuard, InvalidServerConfigError } from '../src/index.ts'
import type { Connection, Libp2pEvents, MultiaddrConnection, TypedEventTarget } from '@libp2p/interface'

/** A raw connection as the gater sees it: an address and a close event */
function rawConnection (ip: string): MultiaddrConnection & { fireClose(): void } {
  const target = new EventTarget()
  return Object.assign(target, {
    remoteAddr: multiaddr(`/ip4/${ip}/tcp/1234`),
    fireClose: () => { target.dispatchEvent(new Event('close')) }
  }) as any
}

let ids = 0

function open (events: TypedEventTarget<Libp2pEvents>, c: Connection): void {
  events.dispatchEvent(new CustomEvent('connection:open', { detail: c }))
}

/** An upgraded connection as the guard sees it: an id, an address, streams, and a close() it records */
function connection (ip: string): Connection & { closed: boolean } {
  const c: any = { id: `c${ids++}`, direction: 'inbound', remoteAddr: multiaddr(`/ip4/${ip}/tcp/1234`), streams: [], closed: false }
  c.close = async () => { c.closed = true }
  return c
}

describe('ConnectionGuard (the class alone)', () => {
  it('lets at most maxPendingPerIp handshakes run at once from one address, and frees a slot when one ends', () => {
    const guard = new ConnectionGuard({ maxPendingPerIp: 2 })
    const a = rawConnection('10.0.0.1')
    const b = rawConnection('10.0.0.1')
    expect(guard.gater.denyInboundConnection?.(a)).to.be.false()
    expect(guard.gater.denyInboundConnection?.(b)).to.be.false()
    expect(guard.gater.denyInboundConnection?.(rawConnection('10.0.0.1'))).to.be.true()
    // another address is not affected
    expect(guard.gater.denyInboundConnection?.(rawConnection('10.0.0.2'))).to.be.false()
    a.fireClose()
    expect(guard.gater.denyInboundConnection?.(rawConnection('10.0.0.1'))).to.be.false()
    expect(guard.refused.pending).to.equal(1)
  })

  it('refuses a connection from an address that already has maxUnprovenPerIp connections without a stream', () => {
    const guard = new ConnectionGuard({ maxUnprovenPerIp: 2 })
    const events = new EventTarget() as unknown as TypedEventTarget<Libp2pEvents>
    guard.start(events, Object.assign(() => {}, { trace: () => {}, error: () => {} }) as any)
    const [a, b] = [connection('10.0.0.1'), connection('10.0.0.1')]
    open(events, a)
    open(events, b)
    const raw = rawConnection('10.0.0.1')
    expect(guard.gater.denyInboundUpgradedConnection?.(undefined as any, raw)).to.be.true()
    guard.noteStream(a)
    expect(guard.gater.denyInboundUpgradedConnection?.(undefined as any, raw)).to.be.false()
    guard.stop()
  })

  it('closes connections without a stream after idleTimeout, and prunes idle ones first above the cap', () => {
    const clock = new ManualClock(Date.now())
    const guard = new ConnectionGuard({ maxConnections: 2, idleTimeout: 1000, clock: clock.clock })
    const events = new EventTarget() as unknown as TypedEventTarget<Libp2pEvents>
    guard.start(events, Object.assign(() => {}, { trace: () => {}, error: () => {} }) as any)
    const busy = connection('10.0.0.1')
    busy.streams.push({ direction: 'inbound' } as any)
    const idle = connection('10.0.0.2')
    open(events, busy)
    open(events, idle)
    clock.advance(500)
    const fresh = connection('10.0.0.3')
    open(events, fresh)
    // over the cap: the idle one goes, the one with a stream and the newest stay
    expect([busy.closed, idle.closed, fresh.closed]).to.deep.equal([false, true, false])
    clock.advance(1000)
    guard.sweep()
    expect([busy.closed, fresh.closed]).to.deep.equal([false, true])
    expect(guard.closed).to.deep.equal({ idle: 1, pruned: 1 })
    guard.stop()
  })

  it('never closes a kept connection (a relay reservation holder) as idle, nor prunes it above the cap', () => {
    const clock = new ManualClock(Date.now())
    const holder = connection('10.0.0.1')
    const guard = new ConnectionGuard({ maxConnections: 1, idleTimeout: 1000, clock: clock.clock, keep: c => c === holder })
    const events = new EventTarget() as unknown as TypedEventTarget<Libp2pEvents>
    guard.start(events, Object.assign(() => {}, { trace: () => {}, error: () => {} }) as any)
    open(events, holder)
    const other = connection('10.0.0.2')
    open(events, other)
    // over the cap: the other idle connection goes, the holder stays
    expect([holder.closed, other.closed]).to.deep.equal([false, true])
    clock.advance(5000)
    guard.sweep()
    expect(holder.closed).to.be.false()
    expect(guard.closed).to.deep.equal({ idle: 0, pruned: 1 })
    guard.stop()
  })

  it('refuses options that are not positive integers', () => {
    expect(() => new ConnectionGuard({ maxConnections: 0 })).to.throw(InvalidServerConfigError)
    expect(() => new ConnectionGuard({ idleTimeout: 1.5 })).to.throw(InvalidServerConfigError)
  })
})
