import { peerIdFromString } from '@libp2p/peer-id'
import { openPeerRecord } from '@rendezvous/codec'
import { check } from '../case.ts'
import { fromHex } from '../responses.ts'
import { registerThenLook } from './openings.ts'
import { expectDiscovered, expectRegistered } from './register-discover.ts'
import type { Case } from '../case.ts'

/**
 * The client's own signed record, as its implementation seals it, opens with the codec's verifier
 * (`openPeerRecord`), the server accepts it, and what the server hands out verifies and is byte-identical.
 */
export const signedRecordsCross: Case = {
  id: 'signed-records',
  title: 'client-signed record verified by the codec and accepted by the server',
  async run (ctx) {
    // A seals its record as its implementation does, then registers it; B looks
    const { a, registered: [sealed, registered], discovered } = await registerThenLook(ctx, [{ op: 'record' }, { op: 'register', ns: 'records', ttl: 20 }], 'records')
    const expectedPeer = peerIdFromString(a.peerId)
    check(sealed?.ok === true && sealed.envelope != null, `the record op failed: ${sealed?.error}`)
    const own = await openPeerRecord(fromHex(sealed.envelope), { expectedPeer })
    check(own.multiaddrs.length > 0, 'the client seals a record without addresses')
    check(own.seq > 0n, 'the client seals seq 0')

    expectRegistered(registered, 20, `${ctx.pair.server.name} server`)
    const found = expectDiscovered(discovered, 'DISCOVER').find(r => r.peerId === a.peerId)
    check(found != null, 'the accepted record is not discoverable')
    const served = await openPeerRecord(fromHex(found.envelope), { expectedPeer })
    if (registered.envelope != null) {
      check(found.envelope === registered.envelope, 'the server hands out other envelope bytes than it was sent')
    }
    return {
      verdict: 'pass',
      detail: `${ctx.pair.client.name}-signed record (seq ${own.seq}) verified by the codec, accepted by the ${ctx.pair.server.name} server, served back verifiable (seq ${served.seq})`
    }
  }
}
