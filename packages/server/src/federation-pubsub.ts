import { gossipsub } from '@libp2p/gossipsub'
import type { GossipSub, GossipSubComponents, GossipsubOpts } from '@libp2p/gossipsub'

/**
 * A gossipsub service set up for a federation (docs/federation.md): messages signed by their publisher
 * and rejected unsigned (`StrictSign`), so that a member's allow-list can trust `from`; publishing with
 * no member connected succeeds (the others catch up with a sync when they connect); a point's own
 * messages are not delivered back to it. Anything in `init` overrides these, except the signing policy.
 */
export function federationPubsub (init: Partial<GossipsubOpts> = {}): (components: GossipSubComponents) => GossipSub {
  return gossipsub({
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    ...init,
    globalSignaturePolicy: 'StrictSign'
  })
}
