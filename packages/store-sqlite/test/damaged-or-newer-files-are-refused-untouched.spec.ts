import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { expectRefusedUntouched, fillAndClose, storePathEachTest } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import Database from 'better-sqlite3'
import { SCHEMA_VERSION, sqliteStore } from '../src/index.ts'

describe('damaged, foreign and newer database files', () => {
  const files = storePathEachTest('store-sqlite', 'registrations.sqlite')

  /** Opens, expects the named error mentioning the file and `problem`, and checks no file changed */
  async function expectRefusal (name: string, problem: RegExp): Promise<void> {
    await expectRefusedUntouched({ open: async () => sqliteStore({ path: files.path }), name, problem, path: files.path, files: files.directory })
  }

  /** A closed store holding a few registrations, so there is data to lose */
  async function storeWithData (): Promise<void> {
    await fillAndClose(await sqliteStore({ path: files.path }))
  }

  it('a file of garbage is refused with CorruptStoreError', async () => {
    await storeWithData()
    const { byteLength } = await readFile(files.path)
    await writeFile(files.path, randomBytes(byteLength))

    await expectRefusal('CorruptStoreError', /not a SQLite database/)
  })

  it('a file shorter than a SQLite header is refused with CorruptStoreError', async () => {
    await writeFile(files.path, 'hello')

    await expectRefusal('CorruptStoreError', /shorter than a SQLite header/)
  })

  it('garbage after an intact header is refused with CorruptStoreError', async () => {
    await storeWithData()
    const bytes = await readFile(files.path)
    randomBytes(bytes.byteLength - 100).copy(bytes, 100)
    await writeFile(files.path, bytes)

    await expectRefusal('CorruptStoreError', /SQLITE_(CORRUPT|NOTADB)/)
  })

  it('a database from a newer schema version is refused with IncompatibleSchemaError', async () => {
    await storeWithData()
    const db = new Database(files.path)
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1)
    db.close()

    await expectRefusal('IncompatibleSchemaError', new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than version ${SCHEMA_VERSION}`))
  })

  it('a SQLite database of something else is refused with IncompatibleSchemaError', async () => {
    const db = new Database(files.path)
    db.exec("CREATE TABLE accounts (name TEXT); INSERT INTO accounts VALUES ('alice')")
    db.close()

    await expectRefusal('IncompatibleSchemaError', /no schema_version table/)
  })

  it('the refused newer database still holds its data', async () => {
    await storeWithData()
    let db = new Database(files.path)
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1)
    db.close()

    await expect(sqliteStore({ path: files.path })).to.eventually.be.rejected.with.property('name', 'IncompatibleSchemaError')

    db = new Database(files.path, { readonly: true })
    expect(db.prepare('SELECT count(*) FROM registrations').pluck().get()).to.equal(50)
    db.close()
  })
})
