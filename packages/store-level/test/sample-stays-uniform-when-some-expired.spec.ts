import { join } from 'node:path'
import { temporaryDirectory } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { levelStore } from '../src/index.ts'
import type { RegistrationStore } from '@rendezvous/store'

const NOW = 1_700_000_000_000
const DRAWS = 2000

/** How often each peer comes out of `DRAWS` samples of one */
async function frequencies (store: RegistrationStore, namespace: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>()

  for (let i = 0; i < DRAWS; i++) {
    const [registration] = await store.sample(namespace, 1)
    seen.set(registration.peerId, (seen.get(registration.peerId) ?? 0) + 1)
  }

  return seen
}

// The sampler reads keys as strings and falls back to an exact scan when it drew an expired registration or
// when the namespace is too long for that; both paths must give every live registration the same chance.
describe('sample', () => {
  for (const [title, namespace] of [['short namespace (keys read as strings)', 'chat'], ['namespace of 200 bytes (exact scan only)', 'n'.repeat(200)]]) {
    it(`is uniform over the live registrations with expired ones not yet deleted: ${title}`, async function () {
      this.timeout(30_000)
      const directory = await temporaryDirectory('store-level')
      const store = await levelStore({ path: join(directory.path, 'registrations'), clock: () => NOW })

      try {
        for (let i = 0; i < 15; i++) {
          // peers 0-4 expired a second ago, 5-14 are live
          const expiresAt = i < 5 ? NOW - 1000 : NOW + 60_000
          await store.upsert({ namespace, peerId: `peer-${i}`, signedPeerRecord: new Uint8Array([i]), format: 'standard', ttl: 60, registeredAt: NOW - 60_000, expiresAt })
        }

        expect((await store.sample(namespace, 100)).map(r => r.peerId).sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `peer-${i + 5}`).sort())

        const seen = await frequencies(store, namespace)
        expect([...seen.keys()].sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `peer-${i + 5}`).sort())

        // 200 expected each; 120 and 280 are more than 5 standard deviations (about 13.4) away
        for (const [peer, times] of seen) {
          expect(times, peer).to.be.within(120, 280)
        }
      } finally {
        await store.close()
        await directory.remove()
      }
    })
  }
})
