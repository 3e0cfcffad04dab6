import { storePathEachTest } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import Database from 'better-sqlite3'
import { SCHEMA_VERSION, sqliteStore } from '../src/index.ts'
import { MIGRATIONS } from '../src/schema.ts'

const FAR_FUTURE = 4_000_000_000_000

describe('a database written at schema version 1', () => {
  const files = storePathEachTest('store-sqlite', 'registrations.sqlite')

  beforeEach(async () => {
    // what version 1 of the store left on disk: its schema, triggers and count row included; positions
    // 1 to 50 handed out, the newest six removed, so the counter is above every position left
    const db = new Database(files.path)
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version (version) VALUES (1)')
    db.exec(MIGRATIONS.find(migration => migration.version === 1)?.sql ?? '')
    const insert = db.prepare('INSERT INTO registrations VALUES (?, ?, ?, ?, ?, ?, ?)')

    for (let position = 1; position <= 50; position++) {
      insert.run(`ns-${position % 3}`, position, `peer-${position}`, new Uint8Array(170).fill(position), 60, 1, FAR_FUTURE)
    }

    db.exec('DELETE FROM registrations WHERE position > 44; UPDATE position_counter SET last = 50')
    db.close()
  })

  it('is migrated to the current version with its registrations, count and positions', async () => {
    const store = await sqliteStore({ path: files.path, clock: () => 1000 })

    try {
      expect(await store.count()).to.equal(44)
      const page = await store.discover({ limit: 100 })
      expect(page.registrations.map(r => r.position)).to.deep.equal(Array.from({ length: 44 }, (_, i) => i + 1))
      expect(page.registrations[9].signedPeerRecord).to.deep.equal(new Uint8Array(170).fill(10))

      const next = await store.upsert({ namespace: 'ns-1', peerId: 'peer-1', signedPeerRecord: new Uint8Array(3), format: 'standard', ttl: 60, registeredAt: 1000, expiresAt: FAR_FUTURE })
      expect(next.position, 'above the counter of version 1, not only above the highest row').to.be.greaterThan(50)
      expect(await store.count(), 'a refresh').to.equal(44)
      await store.upsert({ namespace: 'ns-1', peerId: 'peer-99', signedPeerRecord: new Uint8Array(3), format: 'standard', ttl: 60, registeredAt: 1000, expiresAt: FAR_FUTURE })
      expect(await store.count()).to.equal(45)
    } finally {
      await store.close()
    }

    const db = new Database(files.path, { readonly: true })

    try {
      expect(db.prepare('SELECT version FROM schema_version').pluck().get()).to.equal(SCHEMA_VERSION)
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'trigger') ORDER BY name").pluck().all()).to.deep.equal(['position_counter', 'registrations', 'schema_version'])
      expect(db.pragma('page_size', { simple: true }), 'an existing file keeps its page size').to.equal(4096)
    } finally {
      db.close()
    }
  })
})
