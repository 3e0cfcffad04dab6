import { postgresStore } from '@rendezvous/store-postgres'
import { startPostgres } from '@rendezvous/store-postgres/testing'
import { expect } from 'aegir/chai'
import { ExpiryLeader, withExpiryLeader } from '../src/expiry-leader.ts'
import type { PostgresRegistrationStore } from '@rendezvous/store-postgres'
import type { PostgresServer } from '@rendezvous/store-postgres/testing'

describe('expiry on a fleet runs on the holder of the expiry lock only', function () {
  this.timeout(60_000)

  let postgres: PostgresServer
  const stores: PostgresRegistrationStore[] = []

  before(async () => {
    postgres = await startPostgres()
  })

  after(async () => {
    await Promise.all(stores.map(async s => s.close().catch(() => {})))
    await postgres?.stop()
  })

  it('lets one of two points expire, and the other take over once the first stops', async () => {
    // two points of one fleet, each with its own store and its own claim on the lock
    const first = withExpiryLeader(await postgresStore({ url: postgres.url, schema: 'expiry_fleet' }), new ExpiryLeader(postgres.url))
    const second = withExpiryLeader(await postgresStore({ url: postgres.url, schema: 'expiry_fleet' }), new ExpiryLeader(postgres.url))
    stores.push(first, second)

    // a registration that expired a second ago, written through the first point
    const now = Date.now()
    await first.upsert({ namespace: 'expiry', peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', signedPeerRecord: new Uint8Array([1, 2, 3]), format: 'standard', ttl: 1, registeredAt: now - 2000, expiresAt: now - 1000 })

    // the first to try holds the lock: the second's pass asks the store nothing and deletes nothing
    expect(await first.expire()).to.equal(1)
    await first.upsert({ namespace: 'expiry', peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', signedPeerRecord: new Uint8Array([1, 2, 3]), format: 'standard', ttl: 1, registeredAt: now - 2000, expiresAt: now - 1000 })
    expect(await second.expire()).to.equal(0)
    expect(await first.expire()).to.equal(1)

    // the first point stops: its connection, and the lock with it, are gone; the second's next pass expires
    await first.close()
    await second.upsert({ namespace: 'expiry', peerId: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', signedPeerRecord: new Uint8Array([1, 2, 3]), format: 'standard', ttl: 1, registeredAt: now - 2000, expiresAt: now - 1000 })
    expect(await second.expire()).to.equal(1)
  })
})
