import { cp, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import { ClassicLevel } from 'classic-level'
import { SCHEMA_VERSION, levelStore } from '../src/index.ts'
import { KEY_MIGRATION, KEY_SCHEMA_VERSION } from '../src/keys.ts'
import { migrateRecords } from '../src/migration.ts'
import { temporaryDirectory } from './fixtures/temporary-directory.ts'

/** Written by the schema 1 code through its public API; fixtures/schema-1-database.md says what it holds */
const FIXTURE = fileURLToPath(new URL('./fixtures/schema-1-database', import.meta.url))
const FAR = 4_000_000_000_000

/** What the fixture holds, as [namespace, peer, position, envelope length, envelope byte, registeredAt, expiresAt] */
const EXPECTED: Array<[string, string, number, number, number, number, number]> = [
  ['waku/2/rs/0/1', '12D3KooWPeer1', 1, 41, 1, 1_000_001, FAR + 1],
  ['waku/2/rs/0/1', '12D3KooWPeer3', 3, 43, 3, 1_000_003, FAR + 3],
  ['chat', '12D3KooWPeer4', 4, 44, 4, 1_000_004, FAR + 4],
  ['waku/2/rs/0/1', '12D3KooWPeer5', 5, 45, 5, 1_000_005, FAR + 5],
  ['chat', '12D3KooWPeer6', 6, 46, 6, 1_000_006, FAR + 6],
  ['chat', '12D3KooWPeer8', 8, 48, 8, 1_000_008, FAR + 8],
  ['chat', '12D3KooWPeer2', 9, 50, 22, 1_000_100, FAR + 100]
]

/** Every file in a directory and its bytes */
async function snapshot (directory: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()

  for (const name of (await readdir(directory)).sort()) {
    files.set(name, await readFile(join(directory, name)))
  }

  return files
}

describe('a database written by schema version 1 (before record formats)', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>
  let path: string

  beforeEach(async () => {
    directory = await temporaryDirectory()
    path = join(directory.path, 'registrations')
    await cp(FIXTURE, path, { recursive: true })
  })

  afterEach(async () => {
    await directory.remove()
  })

  /** Opens the migrated copy and checks everything the fixture holds, in the standard format, and that the store goes on */
  async function expectMigrated (): Promise<void> {
    const store = await levelStore({ path, clock: () => 2_000_000 })

    try {
      const { registrations } = await store.discover({ limit: 100 })
      expect(registrations.map(r => [r.namespace, r.peerId, r.position, r.signedPeerRecord.byteLength, r.signedPeerRecord[0], r.registeredAt, r.expiresAt])).to.deep.equal(EXPECTED)

      for (const r of registrations) {
        expect(r.format).to.equal('standard')
        expect(r.ttl).to.equal(7200)
        expect([...r.signedPeerRecord].every(byte => byte === r.signedPeerRecord[0])).to.be.true()
      }

      expect(await store.count()).to.equal(7)
      expect(await store.countByPeer('12D3KooWPeer2')).to.equal(1)
      expect((await store.discover({ limit: 100, formats: ['standard'] })).registrations.map(r => r.position)).to.deep.equal(EXPECTED.map(e => e[2]))
      expect((await store.discover({ namespace: 'chat', limit: 2, after: 4, formats: ['standard'] })).registrations.map(r => r.position)).to.deep.equal([6, 8])
      expect((await store.discover({ namespace: 'chat', limit: 100, formats: ['waku'] })).registrations).to.deep.equal([])
      expect((await store.sample('waku/2/rs/0/1', 10, { formats: ['standard'] })).map(r => r.peerId).sort()).to.deep.equal(['12D3KooWPeer1', '12D3KooWPeer3', '12D3KooWPeer5'])

      // a refresh into another format, and a new registration under a limit, above every old position
      const refreshed = await store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer4', signedPeerRecord: Uint8Array.of(9), format: 'waku', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR })
      expect(refreshed.position, 'above every position the old code handed out').to.be.greaterThan(9)
      const added = await store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer7', signedPeerRecord: Uint8Array.of(7), format: 'rust-legacy', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR }, { maxRegistrations: 8 })
      expect(added.position).to.equal(refreshed.position + 1)
      await expect(store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer9', signedPeerRecord: Uint8Array.of(7), format: 'waku', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR }, { maxRegistrations: 8 }))
        .to.eventually.be.rejected.with.property('name', 'RegistrationLimitError')
      expect((await store.discover({ namespace: 'chat', limit: 100, formats: ['waku', 'rust-legacy'] })).registrations.map(r => r.peerId)).to.deep.equal(['12D3KooWPeer4', '12D3KooWPeer7'])
      expect((await store.discover({ limit: 100, formats: ['standard'] })).registrations).to.have.length(6, 'the refreshed one left the standard format')

      // the old entries of a migrated registration are deleted with it
      expect(await store.remove('waku/2/rs/0/1', '12D3KooWPeer1')).to.equal(true)
      expect(await store.removePeer('12D3KooWPeer5')).to.equal(1)
      expect((await store.discover({ namespace: 'waku/2/rs/0/1', limit: 100, formats: ['standard'] })).registrations.map(r => r.peerId)).to.deep.equal(['12D3KooWPeer3'])
    } finally {
      await store.close()
    }

    expect(await readFile(join(path, 'RENDEZVOUS_SCHEMA'), 'latin1')).to.equal(`${SCHEMA_VERSION}\n`)
    const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })

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
    expect(await readFile(join(path, 'RENDEZVOUS_SCHEMA'), 'latin1'), 'the fixture is a schema 1 database').to.equal('1\n')
    await expectMigrated()
  })

  it('a migration interrupted after its first batch resumes where it stopped', async () => {
    // what a crash after the first batch leaves: three records migrated, the progress key, version 1
    const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })

    try {
      expect(await migrateRecords(db, path, undefined, 3)).to.be.an.instanceOf(Buffer)
      expect(await db.get(KEY_MIGRATION)).to.be.an.instanceOf(Buffer)
      expect((await db.get(KEY_SCHEMA_VERSION))?.readUInt32BE(0)).to.equal(1)
    } finally {
      await db.close()
    }

    await expectMigrated()
  })

  it('a copy marked with a newer schema version is refused untouched', async () => {
    await writeFile(join(path, 'RENDEZVOUS_SCHEMA'), `${SCHEMA_VERSION + 1}\n`)
    const before = await snapshot(path)

    const err = await levelStore({ path }).then(async store => { await store.close() }, (err: any) => err)
    expect(err).to.have.property('name', 'IncompatibleSchemaError')
    expect(err).to.have.property('foundVersion', SCHEMA_VERSION + 1)
    expect(await snapshot(path), 'files byte for byte as before').to.deep.equal(before)
  })
})
