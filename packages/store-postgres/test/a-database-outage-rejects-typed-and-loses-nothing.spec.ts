/**
 * The database goes away under load (`pg_ctl stop -m immediate`: the server crashes, as far as the clients can
 * tell) and comes back. Meanwhile every operation rejects with StoreUnavailableError, which the server maps
 * to E_INTERNAL_ERROR; once the database is back the pool connects again by itself; and every upsert that
 * was acknowledged before, during or after the outage is in the database.
 */
import assert from 'node:assert/strict'
import { postgresStore } from '../src/index.ts'
import { registration } from './fixtures/registrations.ts'
import { ownServer } from './fixtures/server.ts'

const WORKERS = 8
/** Upserts acknowledged before the crash */
const BEFORE_CRASH = 200
/** Bounds of the whole load: attempts per worker and time */
const MAX_ATTEMPTS = 20_000
const MAX_MS = 60_000

describe('a database outage under load', function () {
  this.timeout(120_000)
  const ownedServer = ownServer()

  it('rejects with StoreUnavailableError while the database is down, reconnects by itself, and loses no acknowledged upsert', async () => {
    const server = ownedServer()
    const store = await postgresStore({ url: server.url, schema: 'outage', poolSize: 4, connectTimeoutMs: 2_000 })

    try {
      const acknowledged: number[] = []
      const errors: Error[] = []
      let next = 0
      let phase: 'up' | 'crashing' | 'down' | 'restarting' | 'back' = 'up'
      let acknowledgedWhenBack = 0
      let enoughBeforeCrash: () => void = () => {}
      const crashTime = new Promise<void>(resolve => { enoughBeforeCrash = resolve })
      let enoughAfterRestart: () => void = () => {}
      const recovered = new Promise<void>(resolve => { enoughAfterRestart = resolve })
      const started = Date.now()

      const worker = async (): Promise<void> => {
        for (let attempt = 0; attempt < MAX_ATTEMPTS && Date.now() - started < MAX_MS; attempt++) {
          if (phase === 'back' && acknowledgedWhenBack >= BEFORE_CRASH) {
            return
          }

          const i = next++

          try {
            await store.upsert(registration('outage', i))
            acknowledged.push(i)

            if (acknowledged.length >= BEFORE_CRASH) {
              enoughBeforeCrash()
            }

            if (phase === 'back' && ++acknowledgedWhenBack >= BEFORE_CRASH) {
              enoughAfterRestart()
            }
          } catch (err: any) {
            errors.push(err)
            // a refused connection fails at once: give the event loop a turn before trying again
            await new Promise(resolve => setImmediate(resolve))
          }
        }
      }

      const workers = Promise.all(Array.from({ length: WORKERS }, worker))

      await crashTime
      phase = 'crashing'
      await server.crash()
      phase = 'down'

      // with the server down, a read rejects too, typed
      await assert.rejects(store.count(), (err: any) => err.name === 'StoreUnavailableError')

      phase = 'restarting'
      await server.start()
      phase = 'back'
      await Promise.race([recovered, workers])
      await workers

      assert.ok(acknowledgedWhenBack >= BEFORE_CRASH, `the pool should have reconnected by itself: ${acknowledgedWhenBack} upserts acknowledged after the restart`)
      assert.ok(errors.length > 0, 'some upserts must have failed while the database was down')

      for (const err of errors) {
        assert.equal(err.name, 'StoreUnavailableError', `every failure is typed: ${err.stack}`)
      }

      // every acknowledged upsert is there; at most the ones in flight at the crash may be there unacknowledged
      const found = new Set<string>()
      let after = 0

      for (let page = 0; page < 1000; page++) {
        const result = await store.discover({ namespace: 'outage', after, limit: 1000 })
        if (result.registrations.length === 0) {
          break
        }
        result.registrations.forEach(r => found.add(r.peerId))
        after = result.position
      }

      for (const i of acknowledged) {
        assert.ok(found.has(registration('outage', i).peerId), `acknowledged upsert ${i} was lost`)
      }

      assert.ok(found.size <= acknowledged.length + WORKERS, `found ${found.size} registrations for ${acknowledged.length} acknowledged and ${WORKERS} possibly in flight`)
      assert.equal(await store.count(), found.size, 'the count in the database agrees with the rows')
    } finally {
      await store.close()
    }
  })

  it('a store cannot be opened while the database is down, with StoreUnavailableError, and can once it is back', async () => {
    const server = ownedServer()
    await server.crash()

    try {
      await assert.rejects(postgresStore({ url: server.url, schema: 'outage_open', connectTimeoutMs: 2_000 }), (err: any) => err.name === 'StoreUnavailableError')
    } finally {
      await server.start()
    }

    const store = await postgresStore({ url: server.url, schema: 'outage_open' })
    await store.ping()
    await store.close()
  })
})
