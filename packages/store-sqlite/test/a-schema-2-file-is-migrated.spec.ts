import { copyFile, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { expectMigratedStoreTakesWrites, expectPreFormatRowsMigrated, refusalOf, storePathEachTest } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import Database from 'better-sqlite3'
import { SCHEMA_VERSION, sqliteStore } from '../src/index.ts'

/** Written by the schema 2 code through its public API; fixtures/schema-2.sqlite.md says what it holds */
const FIXTURE = fileURLToPath(new URL('./fixtures/schema-2.sqlite', import.meta.url))

describe('a file written by schema version 2 (before record formats)', () => {
  const files = storePathEachTest('store-sqlite', 'registrations.sqlite')

  beforeEach(async () => {
    await copyFile(FIXTURE, files.path)
  })

  it('is migrated: every registration is there in the standard format, and positions continue above the old ones', async () => {
    const store = await sqliteStore({ path: files.path, clock: () => 2_000_000 })

    try {
      await expectPreFormatRowsMigrated(store)
      const { refreshed, added } = await expectMigratedStoreTakesWrites(store)
      expect(added.position).to.be.greaterThan(refreshed.position)
    } finally {
      await store.close()
    }

    const db = new Database(files.path, { readonly: true })

    try {
      expect(db.prepare('SELECT version FROM schema_version').pluck().get()).to.equal(SCHEMA_VERSION)
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()).to.deep.equal([
        'registrations_by_expiry', 'registrations_by_format', 'registrations_by_namespace_format_expiry', 'registrations_by_peer'
      ])
    } finally {
      db.close()
    }

    // and it opens again as it is, with what the first open wrote
    const again = await sqliteStore({ path: files.path, clock: () => 2_000_000 })

    try {
      expect(await again.count()).to.equal(8)
      expect((await again.discover({ limit: 100, formats: ['waku'] })).registrations.map(r => r.peerId)).to.deep.equal(['12D3KooWPeer4'])
    } finally {
      await again.close()
    }
  })

  it('the fixture is a schema 2 file, and a copy of it at a newer version is refused untouched', async () => {
    // the copy, not the fixture: a connection to a WAL file leaves -shm and -wal files beside it
    const db = new Database(files.path)
    expect(db.prepare('SELECT version FROM schema_version').pluck().get()).to.equal(2)
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1)
    db.close()
    const before = await readFile(files.path)

    const err = await refusalOf(sqliteStore({ path: files.path }))
    expect(err).to.have.property('name', 'IncompatibleSchemaError')
    expect(err).to.have.property('foundVersion', SCHEMA_VERSION + 1)
    expect(await readFile(files.path), 'bytes unchanged').to.deep.equal(before)
  })
})
