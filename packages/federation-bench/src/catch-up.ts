import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { sealPeerRecord } from '@rendezvous/codec'
import { stopAll } from '@rendezvous/test-utils'
import { Arrivals } from './arrivals.ts'
import { startPoints } from './nodes.ts'

/** What a catch-up took */
export interface CatchUpResult {
  registrations: number
  /** Ms from the late point dialing a member to it holding every registration */
  ms: number
}

/**
 * Catch-up: one point holds `count` registrations of distinct peers that a second point missed (it was not
 * connected); the time from the second point dialing the first to it storing the last of them, through the
 * sync exchange, with every envelope verified.
 */
export async function measureCatchUp (count: number): Promise<CatchUpResult> {
  let caughtUp = 0
  const done = new Arrivals<number>()
  const points = await startPoints(2, (point, _registration, at) => {
    if (point === 1 && ++caughtUp === count) {
      done.arrive('all', at)
    }
  }, { maxRegistrations: Infinity }, false)
  try {
    const [member, late] = points
    const now = Date.now()
    for (let i = 0; i < count; i += 250) {
      await Promise.all(Array.from({ length: Math.min(250, count - i) }, async (_, j) => {
        const n = i + j
        const key = await generateKeyPair('Ed25519')
        const signedPeerRecord = await sealPeerRecord(key, [multiaddr(`/ip4/10.${n >> 16}.${(n >> 8) & 255}.${n & 255}/tcp/4001`)])
        // as if these peers had registered at the member while the late point was away
        await member.store.upsert({
          namespace: `topic-${n % 100}`,
          peerId: peerIdFromPrivateKey(key).toString(),
          signedPeerRecord,
          ttl: 7200,
          registeredAt: now,
          expiresAt: now + 7_200_000,
          format: 'standard'
        })
      }))
    }
    // the member starts holding them, as it would after taking them (or after a restart)
    await member.node.start()
    await late.node.start()
    const started = performance.now()
    await late.node.dial(member.node.getMultiaddrs())
    const finished = await done.wait('all', 120_000)
    return { registrations: caughtUp, ms: finished - started }
  } finally {
    await stopAll(...points.map(p => p.node))
  }
}
