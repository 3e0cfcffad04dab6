/**
 * The reads must stay index-driven as the store grows: the plan of each one, on a table large enough for
 * the planner to care, names the index it is meant to use and no sequential scan of the registrations.
 */
import assert from 'node:assert/strict'
import pg from 'pg'
import { postgresStore } from '../src/index.ts'
import { queries } from '../src/queries.ts'
import { sharedServer } from './fixtures/server.ts'

const SCHEMA = 'plans'
const ROWS = 20_000

describe('queries use indexes', function () {
  this.timeout(60_000)
  let client: pg.Client

  before(async () => {
    const { url } = await sharedServer()
    const store = await postgresStore({ url, schema: SCHEMA })
    await store.close()
    client = new pg.Client({ connectionString: url })
    await client.connect()
    // rows written directly, as a large store would hold them; the counts are not needed for plans
    await client.query(`INSERT INTO ${SCHEMA}.registrations
      SELECT 'namespace-' || (i % 100), 'peer-' || i, 'standard', i, i / 100, '\\x0102', 7200, 0, 4000000000000
      FROM generate_series(1, $1) AS i`, [ROWS])
    await client.query(`ANALYZE ${SCHEMA}.registrations`)
  })

  after(async () => {
    await client?.end()
  })

  /** The plan of a statement as the store prepares it: a generic plan, as after a few executions */
  async function plan (text: string, values: unknown[]): Promise<string> {
    await client.query('SET plan_cache_mode = force_generic_plan')
    await client.query(`PREPARE statement AS ${text}`)

    try {
      const literal = (value: unknown): string => {
        if (value === null) {
          return 'NULL'
        }

        return typeof value === 'string' ? `'${value}'` : String(value)
      }
      const literals = values.map(literal)
      const { rows } = await client.query(`EXPLAIN EXECUTE statement (${literals.join(', ')})`)
      return rows.map(row => row['QUERY PLAN']).join('\n')
    } finally {
      await client.query('DEALLOCATE statement')
    }
  }

  const statements = queries({ schema: SCHEMA, lockKey: 0 })

  const cases: Array<[string, string, unknown[], string]> = [
    ['discover in a namespace', statements.discoverNamespace.text, ['namespace-7', 0, 0, 100, null], 'registrations_by_namespace'],
    ['discover in a namespace, with formats', statements.discoverNamespace.text, ['namespace-7', 0, 0, 100, '{standard}'], 'registrations_by_namespace'],
    ['discover across namespaces', statements.discoverAll.text, [5000, 0, 100, null], 'registrations_by_position'],
    ['countByPeer', statements.countByPeer.text, ['peer-5', null, 0], 'registrations_pkey'],
    ['count', statements.count.text, [0], 'registrations_by_expiry']
  ]

  for (const [name, text, values, index] of cases) {
    it(`${name} reads ${index}`, async () => {
      const shown = await plan(text, values)
      assert.match(shown, new RegExp(index), shown)
      assert.doesNotMatch(shown, /Seq Scan on registrations/, shown)
    })
  }
})
