/**
 * A database written by the first release (schema version 1) is brought to the current version at open,
 * in place: its registrations, positions, counts and secrets survive, and the store then reads and writes
 * it as one it had created itself.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
import { lockKey } from '../src/database.ts'
import { postgresStore, SCHEMA_VERSION } from '../src/index.ts'
import { MIGRATIONS } from '../src/schema.ts'
import { assertReadAndWrittenAsUsual, entryOf } from './fixtures/migrated.ts'
import { pageChunk } from './fixtures/page-chunk.ts'
import { registration } from './fixtures/registrations.ts'
import { sharedServer } from './fixtures/server.ts'
import type { NewRegistration } from '@rendezvous/store'

const SCHEMA = 'from_version_1'
const NOW = 1_700_000_000_000

/** The arguments of version 1's upsert and upsert_many for a registration, as that release sent them */
function arguments1 (r: NewRegistration): [string, string, string, Buffer, number, number, number] {
  return [r.namespace, r.peerId, r.format, entryOf(r), r.ttl, r.registeredAt, r.expiresAt]
}

describe('a version 1 schema is migrated with its data', function () {
  this.timeout(60_000)

  it('keeps every registration, position, count and secret, and is then read and written as usual', async () => {
    const { url } = await sharedServer()
    const client = new pg.Client({ connectionString: url })
    await client.connect()

    try {
      // the schema as version 1 made it: its migration, then writes through its own functions
      const version1 = MIGRATIONS.find(m => m.version === 1)
      assert.ok(version1 != null)
      await client.query(`CREATE SCHEMA ${SCHEMA}`)
      await client.query(version1.sql({ schema: SCHEMA, lockKey: lockKey(SCHEMA) }))
      await client.query(`UPDATE ${SCHEMA}.schema_version SET version = 1`)

      const old = Array.from({ length: 30 }, (_, i) => registration(`ns${i % 3}`, i))
      for (const r of old.slice(0, 10)) {
        await client.query(`SELECT ${SCHEMA}.upsert($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)`, [...arguments1(r), NOW])
      }
      const batch = old.slice(10).map(arguments1)
      await client.query(`SELECT ${SCHEMA}.upsert_many($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bigint[], $6::bigint[], $7::bigint[], $8, $9::bigint[], $10::bigint[])`,
        [...batch[0].map((_, field) => batch.map(args => args[field])), NOW, batch.map(() => null), batch.map(() => null)])
      await client.query(`INSERT INTO ${SCHEMA}.secrets (name, value) VALUES ('cookie-secret', $1)`, [Buffer.alloc(32, 7)])
      const before = await client.query(`SELECT peer_id, namespace, position, slot, entry FROM ${SCHEMA}.registrations ORDER BY position`)
      assert.equal(before.rows.length, 30)

      const store = await postgresStore({ url, schema: SCHEMA })

      try {
        const version = await client.query(`SELECT version FROM ${SCHEMA}.schema_version`)
        assert.deepEqual(version.rows, [{ version: SCHEMA_VERSION }])
        // the rows are as they were, each entry now stored with its position as version 3's chunk
        const after = await client.query(`SELECT peer_id, namespace, position, slot, chunk FROM ${SCHEMA}.registrations ORDER BY position`)
        assert.deepEqual(after.rows, before.rows.map(({ entry, ...row }) => ({ ...row, chunk: pageChunk(row.position, entry) })))

        // read back through the store as it was written, and written after the old positions
        await assertReadAndWrittenAsUsual(store, old, before.rows)
      } finally {
        await store.close()
      }

      const functions = await client.query('SELECT routine_name FROM information_schema.routines WHERE routine_schema = $1 ORDER BY routine_name', [SCHEMA])
      assert.ok(!functions.rows.some(row => row.routine_name === 'upsert_many'), 'version 1\'s batch function is gone')
    } finally {
      await client.end()
    }
  })
})
