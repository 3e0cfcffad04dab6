/**
 * The cookie key of /rendezvous/1.0.0 must be the same at every point, or a cookie handed out by one is
 * refused by the next. The store keeps it in the database: the first point to ask creates it, every other
 * one reads it.
 */
import assert from 'node:assert/strict'
import { postgresStore } from '../src/index.ts'
import { sharedServer } from './fixtures/server.ts'

describe('the fleet shares one secret', function () {
  this.timeout(30_000)

  it('points asking at once all get the same secret, and a reopened point gets it again', async () => {
    const { url } = await sharedServer()
    const points = await Promise.all(Array.from({ length: 4 }, async () => postgresStore({ url, schema: 'secrets' })))

    try {
      const secrets = await Promise.all(points.flatMap(point => [point.getOrCreateSecret('cookie-secret', 32), point.getOrCreateSecret('cookie-secret', 32)]))
      assert.equal(secrets[0].byteLength, 32)
      assert.ok(secrets[0].some(byte => byte !== 0), 'random bytes')

      for (const secret of secrets) {
        assert.deepEqual(secret, secrets[0])
      }

      const other = await points[0].getOrCreateSecret('another', 32)
      assert.notDeepEqual(other, secrets[0], 'names are separate secrets')

      await points[0].close()
      points[0] = await postgresStore({ url, schema: 'secrets' })
      assert.deepEqual(await points[0].getOrCreateSecret('cookie-secret', 32), secrets[0])
    } finally {
      await Promise.all(points.map(async point => point.close()))
    }
  })

  it('a different length for a stored secret rejects with SecretLengthError; bad arguments with InvalidArgumentError', async () => {
    const { url } = await sharedServer()
    const store = await postgresStore({ url, schema: 'secrets_checked' })

    try {
      await store.getOrCreateSecret('cookie-secret', 32)
      await assert.rejects(store.getOrCreateSecret('cookie-secret', 64), { name: 'SecretLengthError' })

      for (const [name, bytes] of [['', 32], ['x'.repeat(65), 32], ['a\u0000b', 32], ['ok', 8], ['ok', 2048], ['ok', 1.5]] as const) {
        await assert.rejects(store.getOrCreateSecret(name, bytes), { name: 'InvalidArgumentError' }, `${JSON.stringify(name)}, ${bytes}`)
      }
    } finally {
      await store.close()
    }
  })
})
