import { peerIdFromString } from '@libp2p/peer-id'
import { openPeerRecord, wakuV0 } from '@rendezvous/codec'
import { check } from '../case.ts'
import { decodeFrameHex, encodeFrameHex, fromHex } from '../responses.ts'
import { registerThenLook } from './openings.ts'
import type { Case } from '../case.ts'
import type { ClientOpResult } from '../implementation.ts'

/**
 * When the client reports the answer's bytes (go-rdv does), they must be exactly what the codec encodes
 * for the message they carry: a frame check on every high-level exchange, not only on raw streams.
 */
// these helpers serve the 0.0.1 rows (CASES are scoped to that dialect), hence the fixed dialect
function expectCodecFrame (result: ClientOpResult, what: string): void {
  if (result.frame == null) {
    return
  }
  const message = decodeFrameHex(wakuV0, result.frame, what)
  check(encodeFrameHex(wakuV0, message) === result.frame, `${what}: the answer ${result.frame.slice(0, 64)}… is not what the codec encodes for ${message.type}`)
}

/** The shape every successful REGISTER must have */
export function expectRegistered (result: ClientOpResult | undefined, ttl: number, what: string): void {
  check(result?.ok === true, `${what}: REGISTER refused (${describe(result)})`)
  check(result.ttl === ttl, `${what}: granted ttl ${result.ttl}, expected ${ttl}`)
  expectCodecFrame(result, what)
}

/** The registrations a DISCOVER returned; fails the case when it did not succeed */
export function expectDiscovered (result: ClientOpResult | undefined, what: string): NonNullable<ClientOpResult['registrations']> {
  check(result?.ok === true && result.registrations != null, `${what}: DISCOVER failed (${describe(result)})`)
  check(result.error == null, `${what}: ${result.error}`)
  expectCodecFrame(result, what)
  return result.registrations
}

export function describe (result: ClientOpResult | undefined): string {
  if (result == null) {
    return 'no result'
  }
  if (result.status != null) {
    return `status ${result.status} "${result.statusText ?? ''}"`
  }
  return result.error ?? 'no error reported'
}

/** A registers, B discovers: B sees exactly A, with the granted ttl and A's verifiable record */
export const registerThenDiscover: Case = {
  id: 'register-discover',
  title: 'register then discover',
  async run (ctx) {
    const { a, registered: [registered], discovered } = await registerThenLook(ctx, [{ op: 'register', ns: 'interop', ttl: 20 }], 'interop')
    expectRegistered(registered, 20, 'A')
    const registrations = expectDiscovered(discovered, 'B')
    check(registrations.length === 1, `B discovered ${registrations.length} registrations, expected 1`)
    const [found] = registrations
    check(found.peerId === a.peerId, `B discovered ${found.peerId}, expected A ${a.peerId}`)
    check(found.ns === 'interop', `the registration carries namespace "${found.ns}"`)
    check(found.ttl === 20, `the registration carries ttl ${found.ttl}, expected the granted 20`)
    if (registered.envelope != null) {
      check(found.envelope === registered.envelope, 'the discovered envelope differs from the one A sent')
    }
    const record = await openPeerRecord(fromHex(found.envelope), { expectedPeer: peerIdFromString(a.peerId) })
    check(record.multiaddrs.length > 0, 'the discovered record has no address')
    return { verdict: 'pass', detail: `B found A (ttl 20, ${record.multiaddrs.length} address(es), record verified)` }
  }
}
