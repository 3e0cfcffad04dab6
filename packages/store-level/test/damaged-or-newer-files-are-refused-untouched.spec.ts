import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expectRefusedUntouched, fillAndClose, storePathEachTest } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { ClassicLevel } from 'classic-level'
import { SCHEMA_VERSION, levelStore } from '../src/index.ts'

/** Every key and value in a LevelDB directory, as hex */
async function contents (path: string): Promise<Array<[string, string]>> {
  const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })

  try {
    return (await db.iterator().all()).map(([key, value]) => [key.toString('hex'), value.toString('hex')])
  } finally {
    await db.close()
  }
}

/** Writes a newer schema version where a newer release of this package would: the meta key and the schema file */
async function makeNewer (path: string, version: number, options: { schemaFile: boolean }): Promise<void> {
  const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' })
  const value = Buffer.alloc(4)
  value.writeUInt32BE(version)
  await db.put(Buffer.from('mschema-version'), value)
  await db.close()

  if (options.schemaFile) {
    await writeFile(join(path, 'RENDEZVOUS_SCHEMA'), `${version}\n`)
  }
}

describe('damaged, foreign and newer database directories', () => {
  const files = storePathEachTest('store-level', 'registrations')

  /** Opens, expects the named error mentioning the directory and `problem`, and checks no file changed */
  async function expectRefusal (name: string, problem: RegExp): Promise<void> {
    await expectRefusedUntouched({ open: async () => levelStore({ path: files.path }), name, problem, path: files.path, pathInside: true, files: files.path })
  }

  /** A closed store holding a few registrations, so there is data to lose */
  async function storeWithData (): Promise<void> {
    await fillAndClose(await levelStore({ path: files.path }))
  }

  it('a directory whose every file is garbage is refused with CorruptStoreError', async () => {
    await storeWithData()

    for (const name of await readdir(files.path)) {
      const { byteLength } = await readFile(join(files.path, name))
      await writeFile(join(files.path, name), randomBytes(Math.max(byteLength, 16)))
    }

    await expectRefusal('CorruptStoreError', /CURRENT.*damaged|does not name a LevelDB manifest/)
  })

  it('a garbage manifest is refused with CorruptStoreError, leaving the data files as they were', async () => {
    await storeWithData()
    const manifest = (await readFile(join(files.path, 'CURRENT'), 'latin1')).trim()
    const { byteLength } = await readFile(join(files.path, manifest))
    await writeFile(join(files.path, manifest), randomBytes(byteLength))

    await expectRefusal('CorruptStoreError', /MANIFEST-\d+: the file is damaged/)
  })

  it('a garbage write-ahead log is refused with CorruptStoreError, where LevelDB alone would drop it', async () => {
    await storeWithData()
    const [log] = (await readdir(files.path)).filter(name => name.endsWith('.log'))
    const { byteLength } = await readFile(join(files.path, log))
    await writeFile(join(files.path, log), randomBytes(byteLength))

    await expectRefusal('CorruptStoreError', /\d+\.log: the file is damaged/)
  })

  it('a log whose last record was cut short by a crash opens, without that record', async () => {
    await storeWithData()
    const [log] = (await readdir(files.path)).filter(name => name.endsWith('.log'))
    const bytes = await readFile(join(files.path, log))
    await writeFile(join(files.path, log), bytes.subarray(0, bytes.byteLength - 10))

    const store = await levelStore({ path: files.path })
    expect(await store.count()).to.equal(49)
    expect((await store.upsert({ namespace: 'ns-0', peerId: 'peer-49', signedPeerRecord: new Uint8Array(170), format: 'standard', ttl: 60, registeredAt: 1, expiresAt: 4_000_000_000_000 })).position).to.be.greaterThan(49)
    await store.close()
  })

  it('a garbage table file is refused with CorruptStoreError', async () => {
    await storeWithData()
    // reopening moves the log into a table file
    await (await levelStore({ path: files.path })).close()
    const tables = (await readdir(files.path)).filter(name => name.endsWith('.ldb'))
    expect(tables).to.not.be.empty()

    for (const table of tables) {
      const { byteLength } = await readFile(join(files.path, table))
      await writeFile(join(files.path, table), randomBytes(byteLength))
    }

    await expectRefusal('CorruptStoreError', /\d+\.ldb: the file is damaged/)
  })

  it('a directory of other files is refused with CorruptStoreError', async () => {
    await mkdir(files.path)
    await writeFile(join(files.path, 'notes.txt'), 'not a database')

    await expectRefusal('CorruptStoreError', /no CURRENT file/)
  })

  it('a database from a newer schema version is refused with IncompatibleSchemaError before LevelDB opens it', async () => {
    await storeWithData()
    await makeNewer(files.path, SCHEMA_VERSION + 1, { schemaFile: true })

    await expectRefusal('IncompatibleSchemaError', new RegExp(`schema version ${SCHEMA_VERSION + 1}.*newer than version ${SCHEMA_VERSION}`))
  })

  it('a newer schema version in the database alone is refused too, and its data is kept', async () => {
    await storeWithData()
    await makeNewer(files.path, SCHEMA_VERSION + 1, { schemaFile: false })
    const before = await contents(files.path)

    await expect(levelStore({ path: files.path })).to.eventually.be.rejected.with.property('name', 'IncompatibleSchemaError')
    expect(await contents(files.path)).to.deep.equal(before)
  })

  it('a LevelDB database of something else is refused with IncompatibleSchemaError and kept', async () => {
    const db = new ClassicLevel<string, string>(files.path)
    await db.put('alice', 'account')
    await db.close()

    await expect(levelStore({ path: files.path })).to.eventually.be.rejected.with.property('name', 'IncompatibleSchemaError')
    expect(await contents(files.path)).to.deep.equal([[Buffer.from('alice').toString('hex'), Buffer.from('account').toString('hex')]])
  })
})
