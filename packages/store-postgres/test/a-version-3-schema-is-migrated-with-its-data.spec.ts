/**
 * A database written by schema version 3 (pages read through an index of (namespace, position) and the
 * table's rows) is brought to version 4 at open: that index is replaced by one that also carries the
 * columns a page reads, under the same name; every registration, position, slot, chunk, count and secret
 * survives, a page is then an index-only scan, and the store reads and writes it as one it had created.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
import { MAX_COVERED_CHUNK } from '../src/constants.ts'
import { lockKey } from '../src/database.ts'
import { postgresStore, SCHEMA_VERSION } from '../src/index.ts'
import { queries } from '../src/queries.ts'
import { assertReadAndWrittenAsUsual, schemaAtVersion } from './fixtures/migrated.ts'
import { registration } from './fixtures/registrations.ts'
import { sharedServer } from './fixtures/server.ts'
import type { OldRow } from './fixtures/migrated.ts'

const SCHEMA = 'from_version_3'
const NOW = 1_700_000_000_000

describe('a version 3 schema is migrated with its data', function () {
  this.timeout(60_000)

  it('swaps the namespace index for a covering one, keeps every registration, position, count and secret, and is then read and written as usual', async () => {
    const { url } = await sharedServer()
    const client = new pg.Client({ connectionString: url })
    await client.connect()

    try {
      // one envelope too large for the covering index (its chunk is read from the table), among the others
      const old = Array.from({ length: 30 }, (_, i) => {
        const r = registration(`ns${i % 3}`, i)
        return i === 13 ? { ...r, signedPeerRecord: new Uint8Array(3000).fill(13) } : r
      })
      // the schema as version 3 made it: the migrations up to 3, then writes through version 3's functions
      await schemaAtVersion(client, SCHEMA, 3, old, NOW)
      const rowsOf = async (): Promise<OldRow[]> => (await client.query(`SELECT peer_id, namespace, format, position, slot, chunk, ttl, registered_at, expires_at FROM ${SCHEMA}.registrations ORDER BY position`)).rows
      const before = await rowsOf()
      assert.equal(before.length, 30)

      const store = await postgresStore({ url, schema: SCHEMA })

      try {
        const version = await client.query(`SELECT version FROM ${SCHEMA}.schema_version`)
        assert.deepEqual(version.rows, [{ version: SCHEMA_VERSION }])
        assert.deepEqual(await rowsOf(), before)

        // the index on (namespace, position) under its old name, carrying what a page reads for chunks of at
        // most MAX_COVERED_CHUNK characters, and one of the larger ones
        const indexes = await client.query('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = \'registrations\' AND indexdef LIKE \'%(namespace, "position")%\' ORDER BY indexname', [SCHEMA])
        assert.deepEqual(indexes.rows.map(row => row.indexname), ['registrations_by_namespace', 'registrations_by_namespace_large'])
        assert.match(indexes.rows[0].indexdef, new RegExp(`INCLUDE \\(expires_at, format, chunk\\) WHERE \\(octet_length\\(chunk\\) <= ${MAX_COVERED_CHUNK}\\)`))
        assert.match(indexes.rows[1].indexdef, new RegExp(`WHERE \\(octet_length\\(chunk\\) > ${MAX_COVERED_CHUNK}\\)`))

        // chunks are never compressed (base64 does not shrink enough), in the table or in the index entries
        const storage = await client.query(`SELECT attrelid::regclass::text AS relation, attstorage FROM pg_attribute
          WHERE attname = 'chunk' AND attrelid IN ('${SCHEMA}.registrations'::regclass, '${SCHEMA}.registrations_by_namespace'::regclass) ORDER BY 1`)
        assert.deepEqual(storage.rows, [
          { relation: `${SCHEMA}.registrations`, attstorage: 'e' },
          { relation: `${SCHEMA}.registrations_by_namespace`, attstorage: 'e' }
        ])

        // a page is an index-only scan once the table is vacuumed, with no lookup in the table
        await client.query(`VACUUM ANALYZE ${SCHEMA}.registrations`)
        await client.query('SET enable_seqscan = off')
        await client.query('SET enable_bitmapscan = off')
        const text = queries({ schema: SCHEMA, lockKey: lockKey(SCHEMA) }).discoverNamespace.text
        await client.query(`PREPARE page AS ${text}`)
        const plan = await client.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE page ('ns1', 0, ${NOW}, 100, NULL)`)
        const lines = plan.rows.map(row => row['QUERY PLAN']).join('\n')
        assert.match(lines, /Index Only Scan using registrations_by_namespace/)
        assert.match(lines, /Heap Fetches: 0/)

        // read back through the store as it was written, and written after the old positions, which pages
        // read through the new index
        await assertReadAndWrittenAsUsual(store, old, before)
      } finally {
        await store.close()
      }
    } finally {
      await client.end()
    }
  })
})
