/**
 * A database that stops answering without closing its connections (a hung server, a network that drops
 * packets) must not keep operations waiting until TCP gives up: they reject with StoreUnavailableError after
 * the query timeout, the pool drops those connections, and the store works again once the database answers.
 * The server's processes are frozen with SIGSTOP and thawed with SIGCONT.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { postgresStore } from '../src/index.ts'
import { registration } from './fixtures/registrations.ts'
import { ownServer } from './fixtures/server.ts'
import type { PostgresServer } from '../src/testing.ts'

/** The postmaster and every process it started */
function serverProcesses (server: PostgresServer): number[] {
  const postmaster = Number(readFileSync(`${server.dataDirectory}/postmaster.pid`, 'utf8').split('\n')[0])
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(pid => pid !== '').map(Number)
  return [postmaster, ...children]
}

function signalAll (pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
    } catch {
      // a backend that has just ended
    }
  }
}

describe('a frozen database times out', function () {
  this.timeout(60_000)
  const ownedServer = ownServer()

  it('operations reject with StoreUnavailableError after the query timeout, and work again once the database answers', async () => {
    const server = ownedServer()
    const store = await postgresStore({ url: server.url, schema: 'frozen', queryTimeoutMs: 1_000, connectTimeoutMs: 1_000 })
    await store.upsert(registration('frozen', 1))
    const frozen = serverProcesses(server)

    try {
      signalAll(frozen, 'SIGSTOP')
      const started = Date.now()
      await assert.rejects(store.count(), (err: any) => err.name === 'StoreUnavailableError')
      await assert.rejects(store.upsert(registration('frozen', 2)), (err: any) => err.name === 'StoreUnavailableError')
      assert.ok(Date.now() - started < 20_000, `the timeouts took ${Date.now() - started} ms`)
    } finally {
      signalAll(frozen, 'SIGCONT')
    }

    // the upsert that timed out may or may not have committed; the first one is there, and writes work
    await store.upsert(registration('frozen', 3))
    const { registrations } = await store.discover({ namespace: 'frozen', limit: 10 })
    const peers = registrations.map(r => r.peerId)
    assert.ok(peers.includes(registration('frozen', 1).peerId))
    assert.ok(peers.includes(registration('frozen', 3).peerId))
    await store.close()
  })
})
