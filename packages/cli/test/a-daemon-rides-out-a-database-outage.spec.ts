import { mkdtemp, rm } from 'node:fs/promises'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres } from '@rendezvous/store-postgres/testing'
import { waitFor } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { clientNode } from './fixtures/client-node.ts'
import { killAll, LOOPBACK, spawnDaemon, waitForExit, waitReady } from './fixtures/daemon-process.ts'
import type { ClientNode } from './fixtures/client-node.ts'
import type { PostgresServer } from '@rendezvous/store-postgres/testing'

const PASSWORD = 'Outage-pa55word-never-printed'

async function statusCode (url: string): Promise<{ code: number, body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk }).on('end', () => { resolve({ code: res.statusCode ?? 0, body }) })
    }).on('error', reject)
  })
}

/**
 * Asks the status API until it answers `code` (the namespace count is cached for a second, and nothing in
 * this process announces the daemon's state); bounded in time
 */
async function waitForStatus (url: string, code: number): Promise<string> {
  const { body } = await waitFor(async () => {
    const answer = await statusCode(url)
    return answer.code === code ? answer : undefined
  }, { timeout: 30_000, what: `a ${code} answer of the status API` })
  return body
}

describe('rendezvous serve --store postgres while the database is down', function () {
  this.timeout(120_000)

  let postgres: PostgresServer
  let dir: string
  const clients: ClientNode[] = []

  before(async () => {
    postgres = await startPostgres()
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-outage-'))
  })

  after(async () => {
    await killAll()
    await Promise.all(clients.splice(0).map(async c => { await Promise.resolve(c.stop()).catch(() => {}) }))
    await rm(dir, { recursive: true, force: true })
    await postgres?.stop()
  })

  it('keeps running, answers E_INTERNAL_ERROR and 500 on the status API, and recovers by itself when the database is back', async () => {
    const url = new URL(postgres.url)
    url.username = url.username === '' ? 'postgres' : url.username
    url.password = PASSWORD
    const daemon = spawnDaemon(['serve', ...LOOPBACK, '--store', 'postgres', '--admin', '127.0.0.1:0'], { cwd: dir, env: { RENDEZVOUS_DATABASE_URL: url.toString() } })
    const ready = await waitReady(daemon)
    const status = new URL('/api/status', /^status page: (\S+)$/m.exec(daemon.stdout())?.[1] ?? '').toString()
    await waitForStatus(status, 200)

    const peer = await clientNode([ready.multiaddrs[0]])
    clients.push(peer)
    expect((await peer.services.rendezvous.register('outage/before'))[0].error).to.equal(undefined)

    await postgres.crash()
    const down = await waitForStatus(status, 500)
    expect(down).to.match(/unavailable/i)
    expect(down).to.not.include(PASSWORD)
    const [refused] = await peer.services.rendezvous.register('outage/during')
    expect(String(refused.error?.message)).to.match(/E_INTERNAL_ERROR/)

    await postgres.start()
    await waitForStatus(status, 200)
    expect((await peer.services.rendezvous.register('outage/after'))[0].error).to.equal(undefined)
    const found = await peer.services.rendezvous.discover('outage/before')
    expect(found.registrations.map(r => r.peerId.toString())).to.deep.equal([peer.peerId.toString()])

    daemon.child.kill('SIGTERM')
    expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
    expect(daemon.stdout() + daemon.stderr()).to.not.include(PASSWORD)
  })
})
