import { randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import Database from 'better-sqlite3'
import { SCHEMA_VERSION, sqliteStore } from '../src/index.ts'
import { temporaryDirectory } from './fixtures/temporary-directory.ts'

/** Every file in a directory and its bytes */
async function snapshot (directory: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()

  for (const name of (await readdir(directory)).sort()) {
    files.set(name, await readFile(join(directory, name)))
  }

  return files
}

/** A closed store holding a few registrations, so there is data to lose */
async function storeWithData (path: string): Promise<void> {
  const store = await sqliteStore({ path })

  for (let i = 0; i < 50; i++) {
    await store.upsert({ namespace: `ns-${i % 3}`, peerId: `peer-${i}`, signedPeerRecord: new Uint8Array(170).fill(i), format: 'standard', ttl: 60, registeredAt: 1, expiresAt: 4_000_000_000_000 })
  }

  await store.close()
}

describe('damaged, foreign and newer database files', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>
  let path: string

  beforeEach(async () => {
    directory = await temporaryDirectory()
    path = join(directory.path, 'registrations.sqlite')
  })

  afterEach(async () => {
    await directory.remove()
  })

  /** Opens, expects the named error mentioning the file and `problem`, and checks no file changed */
  async function expectRefusal (name: string, problem: RegExp): Promise<void> {
    const before = await snapshot(directory.path)
    const err = await sqliteStore({ path }).then(async store => {
      await store.close()
      return undefined
    }, (err: any) => err)

    expect(err, 'the open should have failed').to.have.property('name', name)
    expect(err.path).to.equal(path)
    expect(err.message).to.include(path).and.match(problem)
    expect(await snapshot(directory.path), 'files byte for byte as before').to.deep.equal(before)
  }

  it('a file of garbage is refused with CorruptStoreError', async () => {
    await storeWithData(path)
    const { byteLength } = await readFile(path)
    await writeFile(path, randomBytes(byteLength))

    await expectRefusal('CorruptStoreError', /not a SQLite database/)
  })

  it('a file shorter than a SQLite header is refused with CorruptStoreError', async () => {
    await writeFile(path, 'hello')

    await expectRefusal('CorruptStoreError', /shorter than a SQLite header/)
  })

  it('garbage after an intact header is refused with CorruptStoreError', async () => {
    await storeWithData(path)
    const bytes = await readFile(path)
    randomBytes(bytes.byteLength - 100).copy(bytes, 100)
    await writeFile(path, bytes)

    await expectRefusal('CorruptStoreError', /SQLITE_(CORRUPT|NOTADB)/)
  })

  it('a database from a newer schema version is refused with IncompatibleSchemaError', async () => {
    await storeWithData(path)
    const db = new Database(path)
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1)
    db.close()

    await expectRefusal('IncompatibleSchemaError', new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than version ${SCHEMA_VERSION}`))
  })

  it('a SQLite database of something else is refused with IncompatibleSchemaError', async () => {
    const db = new Database(path)
    db.exec("CREATE TABLE accounts (name TEXT); INSERT INTO accounts VALUES ('alice')")
    db.close()

    await expectRefusal('IncompatibleSchemaError', /no schema_version table/)
  })

  it('the refused newer database still holds its data', async () => {
    await storeWithData(path)
    let db = new Database(path)
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1)
    db.close()

    await expect(sqliteStore({ path })).to.eventually.be.rejected.with.property('name', 'IncompatibleSchemaError')

    db = new Database(path, { readonly: true })
    expect(db.prepare('SELECT count(*) FROM registrations').pluck().get()).to.equal(50)
    db.close()
  })
})
