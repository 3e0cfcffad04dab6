import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expectMigratedStoreTakesWrites, expectPreFormatRowsMigrated, refusalOf, snapshotFiles, storePathEachTest } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { ClassicLevel } from 'classic-level'
import { SCHEMA_VERSION, levelStore } from '../src/index.ts'
import { KEY_MIGRATION, KEY_SCHEMA_VERSION } from '../src/keys.ts'
import { migrateRecords } from '../src/migration.ts'

/** Written by the schema 1 code through its public API; fixtures/schema-1-database.md says what it holds */
const FIXTURE = fileURLToPath(new URL('./fixtures/schema-1-database', import.meta.url))

describe('a database written by schema version 1 (before record formats)', () => {
  const files = storePathEachTest('store-level', 'registrations')

  beforeEach(async () => {
    await cp(FIXTURE, files.path, { recursive: true })
  })

  /** Opens the migrated copy and checks everything the fixture holds, in the standard format, and that the store goes on */
  async function expectMigrated (): Promise<void> {
    const store = await levelStore({ path: files.path, clock: () => 2_000_000 })

    try {
      await expectPreFormatRowsMigrated(store)

      // a refresh into another format, and a new registration under a limit, above every old position
      const { refreshed, added } = await expectMigratedStoreTakesWrites(store)
      expect(added.position).to.equal(refreshed.position + 1)
      expect((await store.discover({ limit: 100, formats: ['standard'] })).registrations).to.have.length(6, 'the refreshed one left the standard format')

      // the old entries of a migrated registration are deleted with it
      expect(await store.remove('waku/2/rs/0/1', '12D3KooWPeer1')).to.equal(true)
      expect(await store.removePeer('12D3KooWPeer5')).to.equal(1)
      expect((await store.discover({ namespace: 'waku/2/rs/0/1', limit: 100, formats: ['standard'] })).registrations.map(r => r.peerId)).to.deep.equal(['12D3KooWPeer3'])
    } finally {
      await store.close()
    }

    expect(await readFile(join(files.path, 'RENDEZVOUS_SCHEMA'), 'latin1')).to.equal(`${SCHEMA_VERSION}\n`)
    const db = new ClassicLevel<Buffer, Buffer>(files.path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })

    try {
      expect((await db.get(KEY_SCHEMA_VERSION))?.readUInt32BE(0)).to.equal(SCHEMA_VERSION)
      expect(await db.get(KEY_MIGRATION), 'no migration left in progress').to.equal(undefined)
      expect(await db.keys({ gte: Buffer.from('o'), lt: Buffer.from('p') }).all(), 'the version 1 global order is gone').to.deep.equal([])
      expect(await db.keys({ gte: Buffer.from('n'), lt: Buffer.from('o') }).all(), 'the version 1 records have moved').to.deep.equal([])
    } finally {
      await db.close()
    }
  }

  it('is migrated: every registration is there in the standard format, and positions continue above the old ones', async () => {
    expect(await readFile(join(files.path, 'RENDEZVOUS_SCHEMA'), 'latin1'), 'the fixture is a schema 1 database').to.equal('1\n')
    await expectMigrated()
  })

  it('a migration interrupted after its first batch resumes where it stopped', async () => {
    // what a crash after the first batch leaves: three records migrated, the progress key, version 1
    const db = new ClassicLevel<Buffer, Buffer>(files.path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })

    try {
      expect(await migrateRecords(db, files.path, undefined, 3)).to.be.an.instanceOf(Buffer)
      expect(await db.get(KEY_MIGRATION)).to.be.an.instanceOf(Buffer)
      expect((await db.get(KEY_SCHEMA_VERSION))?.readUInt32BE(0)).to.equal(1)
    } finally {
      await db.close()
    }

    await expectMigrated()
  })

  it('a copy marked with a newer schema version is refused untouched', async () => {
    await writeFile(join(files.path, 'RENDEZVOUS_SCHEMA'), `${SCHEMA_VERSION + 1}\n`)
    const before = await snapshotFiles(files.path)

    const err = await refusalOf(levelStore({ path: files.path }))
    expect(err).to.have.property('name', 'IncompatibleSchemaError')
    expect(err).to.have.property('foundVersion', SCHEMA_VERSION + 1)
    expect(await snapshotFiles(files.path), 'files byte for byte as before').to.deep.equal(before)
  })
})
