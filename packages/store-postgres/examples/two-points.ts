/**
 * The README's example: two points of a fleet (two stores, as two processes would open them) on one
 * database. Run it with `DATABASE_URL=postgres://… node examples/two-points.ts`; test/the-readme-example-runs.spec.ts
 * runs it against a server of its own.
 */
// in your code: import { postgresStore } from '@rendezvous/store-postgres'
import { postgresStore } from '../src/index.ts'

export async function twoPoints (url: string): Promise<{ discovered: string[], sampled: number, sameCookieKey: boolean }> {
  // each point of the fleet opens the store on the same database and schema
  const east = await postgresStore({ url, schema: 'rendezvous' })
  const west = await postgresStore({ url, schema: 'rendezvous' })

  try {
    const now = Date.now()

    // a REGISTER arrives at the east point; the limits hold across the fleet
    await east.upsert({
      namespace: 'chat',
      peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
      signedPeerRecord: new Uint8Array([0x0a, 0x24]), // … the envelope bytes as received
      format: 'standard',
      ttl: 7200,
      registeredAt: now,
      expiresAt: now + 7200 * 1000
    }, { maxRegistrations: 1_000_000, maxRegistrationsPerPeer: 1000 })

    // a DISCOVER at the west point sees it, and its position works as a cookie at either point
    const page = await west.discover({ namespace: 'chat', limit: 100 })
    const next = await east.discover({ namespace: 'chat', after: page.position, limit: 100 })

    // a waku sample, and the cookie key every point shares
    const some = await west.sample('chat', 20, { formats: ['standard'] })
    const keyEast = await east.getOrCreateSecret('cookie-secret', 32)
    const keyWest = await west.getOrCreateSecret('cookie-secret', 32)

    // any one point may run expiry on a timer; the others' calls find nothing left to do
    await east.expire()

    return {
      discovered: [...page.registrations, ...next.registrations].map(r => r.peerId),
      sampled: some.length,
      sameCookieKey: Buffer.compare(keyEast, keyWest) === 0
    }
  } finally {
    await east.close()
    await west.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL

  if (url == null) {
    throw new Error('Set DATABASE_URL to a PostgreSQL connection URL')
  }

  console.log(await twoPoints(url)) // eslint-disable-line no-console
}
