import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expectRefusedUntouched, fillAndClose, temporaryDirectory } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { ClassicLevel } from 'classic-level'
import { SCHEMA_VERSION, levelStore } from '../src/index.ts'
import type { TemporaryDirectory } from '@rendezvous/test-utils'

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
  let directory: TemporaryDirectory
  let path: string

  beforeEach(async () => {
    directory = await temporaryDirectory('store-level')
    path = join(directory.path, 'registrations')
  })

  afterEach(async () => {
    await directory.remove()
  })

  /** Opens, expects the named error mentioning the directory and `problem`, and checks no file changed */
  async function expectRefusal (name: string, problem: RegExp): Promise<void> {
    await expectRefusedUntouched({ open: async () => levelStore({ path }), name, problem, path, pathInside: true, files: path })
  }

  /** A closed store holding a few registrations, so there is data to lose */
  async function storeWithData (): Promise<void> {
    await fillAndClose(await levelStore({ path }))
  }

  it('a directory whose every file is garbage is refused with CorruptStoreError', async () => {
    await storeWithData()

    for (const name of await readdir(path)) {
      const { byteLength } = await readFile(join(path, name))
      await writeFile(join(path, name), randomBytes(Math.max(byteLength, 16)))
    }

    await expectRefusal('CorruptStoreError', /CURRENT.*damaged|does not name a LevelDB manifest/)
  })

  it('a garbage manifest is refused with CorruptStoreError, leaving the data files as they were', async () => {
    await storeWithData()
    const manifest = (await readFile(join(path, 'CURRENT'), 'latin1')).trim()
    const { byteLength } = await readFile(join(path, manifest))
    await writeFile(join(path, manifest), randomBytes(byteLength))

    await expectRefusal('CorruptStoreError', /MANIFEST-\d+: the file is damaged/)
  })

  it('a garbage write-ahead log is refused with CorruptStoreError, where LevelDB alone would drop it', async () => {
    await storeWithData()
    const [log] = (await readdir(path)).filter(name => name.endsWith('.log'))
    const { byteLength } = await readFile(join(path, log))
    await writeFile(join(path, log), randomBytes(byteLength))

    await expectRefusal('CorruptStoreError', /\d+\.log: the file is damaged/)
  })

  it('a log whose last record was cut short by a crash opens, without that record', async () => {
    await storeWithData()
    const [log] = (await readdir(path)).filter(name => name.endsWith('.log'))
    const bytes = await readFile(join(path, log))
    await writeFile(join(path, log), bytes.subarray(0, bytes.byteLength - 10))

    const store = await levelStore({ path })
    expect(await store.count()).to.equal(49)
    expect((await store.upsert({ namespace: 'ns-0', peerId: 'peer-49', signedPeerRecord: new Uint8Array(170), format: 'standard', ttl: 60, registeredAt: 1, expiresAt: 4_000_000_000_000 })).position).to.be.greaterThan(49)
    await store.close()
  })

  it('a garbage table file is refused with CorruptStoreError', async () => {
    await storeWithData()
    // reopening moves the log into a table file
    await (await levelStore({ path })).close()
    const tables = (await readdir(path)).filter(name => name.endsWith('.ldb'))
    expect(tables).to.not.be.empty()

    for (const table of tables) {
      const { byteLength } = await readFile(join(path, table))
      await writeFile(join(path, table), randomBytes(byteLength))
    }

    await expectRefusal('CorruptStoreError', /\d+\.ldb: the file is damaged/)
  })

  it('a directory of other files is refused with CorruptStoreError', async () => {
    await mkdir(path)
    await writeFile(join(path, 'notes.txt'), 'not a database')

    await expectRefusal('CorruptStoreError', /no CURRENT file/)
  })

  it('a database from a newer schema version is refused with IncompatibleSchemaError before LevelDB opens it', async () => {
    await storeWithData()
    await makeNewer(path, SCHEMA_VERSION + 1, { schemaFile: true })

    await expectRefusal('IncompatibleSchemaError', new RegExp(`schema version ${SCHEMA_VERSION + 1}.*newer than version ${SCHEMA_VERSION}`))
  })

  it('a newer schema version in the database alone is refused too, and its data is kept', async () => {
    await storeWithData()
    await makeNewer(path, SCHEMA_VERSION + 1, { schemaFile: false })
    const before = await contents(path)

    await expect(levelStore({ path })).to.eventually.be.rejected.with.property('name', 'IncompatibleSchemaError')
    expect(await contents(path)).to.deep.equal(before)
  })

  it('a LevelDB database of something else is refused with IncompatibleSchemaError and kept', async () => {
    const db = new ClassicLevel<string, string>(path)
    await db.put('alice', 'account')
    await db.close()

    await expect(levelStore({ path })).to.eventually.be.rejected.with.property('name', 'IncompatibleSchemaError')
    expect(await contents(path)).to.deep.equal([[Buffer.from('alice').toString('hex'), Buffer.from('account').toString('hex')]])
  })
})
