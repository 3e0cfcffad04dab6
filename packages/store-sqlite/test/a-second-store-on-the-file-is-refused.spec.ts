import { join } from 'node:path'
import { refusalOf, temporaryDirectory } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { sqliteStore } from '../src/index.ts'

describe('one store per file', () => {
  it('opening a file another store has open rejects with StoreLockedError, and the first store carries on', async function () {
    // the second open waits out SQLite's 5 s busy timeout before it gives up
    this.timeout(30_000)
    const directory = await temporaryDirectory('store-sqlite')
    const path = join(directory.path, 'registrations.sqlite')

    try {
      const store = await sqliteStore({ path })
      await store.upsert({ namespace: 'chat', peerId: 'peer-1', signedPeerRecord: new Uint8Array(3), format: 'standard', ttl: 60, registeredAt: 1, expiresAt: 4_000_000_000_000 })

      const err = await refusalOf(sqliteStore({ path }))

      expect(err, 'the second open should have failed').to.have.property('name', 'StoreLockedError')
      expect(err.path).to.equal(path)
      expect(err.message).to.include(path)

      await store.upsert({ namespace: 'chat', peerId: 'peer-2', signedPeerRecord: new Uint8Array(3), format: 'standard', ttl: 60, registeredAt: 1, expiresAt: 4_000_000_000_000 })
      expect(await store.count()).to.equal(2)
      await store.close()

      const reopened = await sqliteStore({ path })
      expect(await reopened.count(), 'closing releases the file').to.equal(2)
      await reopened.close()
    } finally {
      await directory.remove()
    }
  })
})
