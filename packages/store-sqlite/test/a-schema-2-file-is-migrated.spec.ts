import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import Database from 'better-sqlite3'
import { SCHEMA_VERSION, sqliteStore } from '../src/index.ts'
import { temporaryDirectory } from './fixtures/temporary-directory.ts'

/** Written by the schema 2 code through its public API; fixtures/schema-2.sqlite.md says what it holds */
const FIXTURE = fileURLToPath(new URL('./fixtures/schema-2.sqlite', import.meta.url))
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

describe('a file written by schema version 2 (before record formats)', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>
  let path: string

  beforeEach(async () => {
    directory = await temporaryDirectory()
    path = join(directory.path, 'registrations.sqlite')
    await copyFile(FIXTURE, path)
  })

  afterEach(async () => {
    await directory.remove()
  })

  it('is migrated: every registration is there in the standard format, and positions continue above the old ones', async () => {
    const store = await sqliteStore({ path, clock: () => 2_000_000 })

    try {
      const { registrations } = await store.discover({ limit: 100 })
      expect(registrations.map(r => [r.namespace, r.peerId, r.position, r.signedPeerRecord.byteLength, r.signedPeerRecord[0], r.registeredAt, r.expiresAt])).to.deep.equal(EXPECTED)

      for (const r of registrations) {
        expect(r.format).to.equal('standard')
        expect(r.ttl).to.equal(7200)
        expect([...r.signedPeerRecord].every(byte => byte === r.signedPeerRecord[0])).to.be.true()
      }

      expect(await store.count()).to.equal(7)
      expect((await store.discover({ limit: 100, formats: ['standard'] })).registrations).to.have.length(7)
      expect((await store.discover({ namespace: 'chat', limit: 100, formats: ['waku'] })).registrations).to.deep.equal([])
      expect((await store.sample('waku/2/rs/0/1', 10, { formats: ['standard'] })).map(r => r.peerId).sort()).to.deep.equal(['12D3KooWPeer1', '12D3KooWPeer3', '12D3KooWPeer5'])

      const refreshed = await store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer4', signedPeerRecord: Uint8Array.of(9), format: 'waku', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR })
      expect(refreshed.position, 'above every position the old code handed out').to.be.greaterThan(9)
      const added = await store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer7', signedPeerRecord: Uint8Array.of(7), format: 'rust-legacy', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR }, { maxRegistrations: 8 })
      expect(added.position).to.be.greaterThan(refreshed.position)
      await expect(store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer9', signedPeerRecord: Uint8Array.of(7), format: 'waku', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR }, { maxRegistrations: 8 }))
        .to.eventually.be.rejected.with.property('name', 'RegistrationLimitError')
      expect((await store.discover({ namespace: 'chat', limit: 100, formats: ['waku', 'rust-legacy'] })).registrations.map(r => r.peerId)).to.deep.equal(['12D3KooWPeer4', '12D3KooWPeer7'])
    } finally {
      await store.close()
    }

    const db = new Database(path, { readonly: true })

    try {
      expect(db.prepare('SELECT version FROM schema_version').pluck().get()).to.equal(SCHEMA_VERSION)
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()).to.deep.equal([
        'registrations_by_expiry', 'registrations_by_format', 'registrations_by_namespace_format_expiry', 'registrations_by_peer'
      ])
    } finally {
      db.close()
    }

    // and it opens again as it is, with what the first open wrote
    const again = await sqliteStore({ path, clock: () => 2_000_000 })

    try {
      expect(await again.count()).to.equal(8)
      expect((await again.discover({ limit: 100, formats: ['waku'] })).registrations.map(r => r.peerId)).to.deep.equal(['12D3KooWPeer4'])
    } finally {
      await again.close()
    }
  })

  it('the fixture is a schema 2 file, and a copy of it at a newer version is refused untouched', async () => {
    // the copy, not the fixture: a connection to a WAL file leaves -shm and -wal files beside it
    const db = new Database(path)
    expect(db.prepare('SELECT version FROM schema_version').pluck().get()).to.equal(2)
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1)
    db.close()
    const before = await readFile(path)

    const err = await sqliteStore({ path }).then(async store => { await store.close() }, (err: any) => err)
    expect(err).to.have.property('name', 'IncompatibleSchemaError')
    expect(err).to.have.property('foundVersion', SCHEMA_VERSION + 1)
    expect(await readFile(path), 'bytes unchanged').to.deep.equal(before)
  })
})
