import assert from 'node:assert/strict'
import pg from 'pg'
import { postgresStore, SCHEMA_VERSION } from '../src/index.ts'
import { registration } from './fixtures/registrations.ts'
import { sharedServer } from './fixtures/server.ts'

/** Every table of a schema with its row count, and its functions: what "untouched" compares */
async function snapshot (client: pg.Client, schema: string): Promise<string> {
  const tables = await client.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema])
  const counts: string[] = []

  for (const { table_name: table } of tables.rows) {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${schema}.${table as string}`)
    counts.push(`${table as string}:${rows[0].n as number}`)
  }

  const functions = await client.query('SELECT routine_name FROM information_schema.routines WHERE routine_schema = $1 ORDER BY routine_name', [schema])
  return JSON.stringify({ counts, functions: functions.rows.map(row => row.routine_name) })
}

describe('newer or foreign schemas are refused untouched', function () {
  this.timeout(30_000)
  let client: pg.Client

  before(async () => {
    client = new pg.Client({ connectionString: (await sharedServer()).url })
    await client.connect()
  })

  after(async () => {
    await client?.end()
  })

  it('a schema at a newer version rejects with IncompatibleSchemaError naming both versions, and is left as it was', async () => {
    const { url } = await sharedServer()
    const store = await postgresStore({ url, schema: 'newer' })
    await store.upsert(registration('kept', 1))
    await store.close()

    await client.query('UPDATE newer.schema_version SET version = $1', [SCHEMA_VERSION + 1])
    const before = await snapshot(client, 'newer')

    await assert.rejects(postgresStore({ url, schema: 'newer' }), (err: any) => {
      assert.equal(err.name, 'IncompatibleSchemaError')
      assert.equal(err.foundVersion, SCHEMA_VERSION + 1)
      assert.equal(err.supportedVersion, SCHEMA_VERSION)
      assert.match(err.message, /schema newer/)
      assert.doesNotMatch(err.message, /password/)
      return true
    })

    assert.equal(await snapshot(client, 'newer'), before)
    const { rows } = await client.query('SELECT version FROM newer.schema_version')
    assert.deepEqual(rows, [{ version: SCHEMA_VERSION + 1 }])
  })

  it('a schema holding other tables is not a registration store: refused, nothing created in it', async () => {
    const { url } = await sharedServer()
    await client.query('CREATE SCHEMA foreign_tables')
    await client.query('CREATE TABLE foreign_tables.invoices (id integer PRIMARY KEY)')
    await client.query('INSERT INTO foreign_tables.invoices VALUES (1), (2)')
    const before = await snapshot(client, 'foreign_tables')

    await assert.rejects(postgresStore({ url, schema: 'foreign_tables' }), (err: any) => {
      assert.equal(err.name, 'IncompatibleSchemaError')
      assert.match(err.problem, /no schema_version/)
      return true
    })

    assert.equal(await snapshot(client, 'foreign_tables'), before)
  })

  it('an empty existing schema is taken and migrated', async () => {
    const { url } = await sharedServer()
    await client.query('CREATE SCHEMA empty_one')
    const store = await postgresStore({ url, schema: 'empty_one' })
    await store.upsert(registration('here', 1))
    assert.equal(await store.count(), 1)
    await store.close()
    const { rows } = await client.query('SELECT version FROM empty_one.schema_version')
    assert.deepEqual(rows, [{ version: SCHEMA_VERSION }])
  })

  it('points opening one new schema at once migrate it once', async () => {
    const { url } = await sharedServer()
    const stores = await Promise.all(Array.from({ length: 6 }, async () => postgresStore({ url, schema: 'opened_at_once' })))
    await Promise.all(stores.map(async (store, i) => store.upsert(registration('together', i))))
    assert.equal(await stores[0].count(), 6)
    await Promise.all(stores.map(async store => store.close()))
  })
})
