import assert from 'node:assert/strict'
import { postgresStore } from '../src/index.ts'
import { sharedServer } from './fixtures/server.ts'
import type { PostgresStoreInit } from '../src/index.ts'

describe('bad options are refused', () => {
  it('a missing url, a bad schema name, pool size, timeout or clock reject with InvalidArgumentError before connecting', async () => {
    const { url } = await sharedServer()
    const bad: Array<Partial<PostgresStoreInit>> = [
      {},
      { url: '' },
      { url, schema: '' },
      { url, schema: 'Upper' },
      { url, schema: '1digit' },
      { url, schema: 'semi;colon' },
      { url, schema: 'x'.repeat(64) },
      { url, poolSize: 0 },
      { url, poolSize: 1.5 },
      { url, connectTimeoutMs: -1 },
      { url, queryTimeoutMs: 0 },
      { url, clock: 5 as any }
    ]

    for (const init of bad) {
      await assert.rejects(postgresStore(init as PostgresStoreInit), { name: 'InvalidArgumentError' }, JSON.stringify(init))
    }
  })

  it('a wrong database name is not mistaken for an outage', async () => {
    const { url } = await sharedServer()
    const wrong = url.replace(/\/postgres$/, '/no_such_database')

    await assert.rejects(postgresStore({ url: wrong }), (err: any) => {
      assert.notEqual(err.name, 'StoreUnavailableError')
      assert.match(err.message, /no_such_database/)
      return true
    })
  })
})
