/**
 * A database written by schema version 2 (entries stored as bytea, pages encoded as they were read) is
 * brought to version 3 at open, in place: every row's entry becomes its chunk (position and entry in
 * base64, what a page is made of), its registrations, positions, counts and secrets survive, and the store
 * then reads and writes it as one it had created itself.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
import { postgresStore, SCHEMA_VERSION } from '../src/index.ts'
import { assertReadAndWrittenAsUsual, schemaAtVersion } from './fixtures/migrated.ts'
import { pageChunk } from './fixtures/page-chunk.ts'
import { registration } from './fixtures/registrations.ts'
import { sharedServer } from './fixtures/server.ts'

const SCHEMA = 'from_version_2'
const NOW = 1_700_000_000_000

describe('a version 2 schema is migrated with its data', function () {
  this.timeout(60_000)

  it('turns every entry into its chunk, keeps every registration, position, count and secret, and is then read and written as usual', async () => {
    const { url } = await sharedServer()
    const client = new pg.Client({ connectionString: url })
    await client.connect()

    try {
      // envelopes of every length modulo 3, so that each padding of a chunk is there
      const old = Array.from({ length: 30 }, (_, i) => {
        const r = registration(`ns${i % 3}`, i)
        return { ...r, signedPeerRecord: r.signedPeerRecord.subarray(0, r.signedPeerRecord.byteLength - (i % 4)) }
      })
      // the schema as version 2 made it: the migrations up to 2, then writes through version 2's functions
      await schemaAtVersion(client, SCHEMA, 2, old, NOW)
      const before = await client.query(`SELECT peer_id, namespace, position, slot, entry FROM ${SCHEMA}.registrations ORDER BY position`)
      assert.equal(before.rows.length, 30)
      assert.equal(new Set(before.rows.map(row => (8 + row.entry.length) % 3)).size, 3, 'the entries need each padding')

      const store = await postgresStore({ url, schema: SCHEMA })

      try {
        const version = await client.query(`SELECT version FROM ${SCHEMA}.schema_version`)
        assert.deepEqual(version.rows, [{ version: SCHEMA_VERSION }])
        const after = await client.query(`SELECT peer_id, namespace, position, slot, chunk FROM ${SCHEMA}.registrations ORDER BY position`)
        assert.deepEqual(after.rows, before.rows.map(({ entry, ...row }) => ({ ...row, chunk: pageChunk(row.position, entry) })))
        const columns = await client.query('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = \'registrations\'', [SCHEMA])
        assert.ok(!columns.rows.some(row => row.column_name === 'entry'), 'the entry column became the chunk column')

        // read back through the store as it was written, and written after the old positions
        await assertReadAndWrittenAsUsual(store, old, before.rows)
      } finally {
        await store.close()
      }
    } finally {
      await client.end()
    }
  })
})
