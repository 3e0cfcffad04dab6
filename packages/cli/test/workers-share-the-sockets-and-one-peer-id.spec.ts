import { get } from 'node:http'
import { expect } from 'aegir/chai'
import { clientNode } from './fixtures/client-node.ts'
import { LOOPBACK, runToExit, spawnDaemon, waitForExit, waitReady } from './fixtures/daemon-process.ts'
import { postgresSuite } from './fixtures/postgres-suite.ts'
import type { DaemonProcess } from './fixtures/daemon-process.ts'

/** GET on a connection of its own, so the cluster hands each request to the next worker */
async function freshGet (url: string): Promise<any> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { connection: 'close' } }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk }).on('end', () => { resolve(JSON.parse(body)) })
    }).on('error', reject)
  })
}

function workerPids (daemon: DaemonProcess): number[] {
  const line = /^workers: \d+ processes \(([\d, ]+)\)/m.exec(daemon.stdout())?.[1] ?? ''
  return line.split(',').map(s => Number(s.trim())).filter(n => n > 0)
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('rendezvous serve --workers', function () {
  this.timeout(120_000)

  const suite = postgresSuite('cli-workers')

  it('runs two workers on one port and one peer ID, restarts a killed one, and drains both on SIGTERM', async () => {
    const daemon = spawnDaemon(['serve', ...LOOPBACK, '--store', 'postgres', '--workers', '2', '--admin', '127.0.0.1:0'], { cwd: suite.dir, env: { RENDEZVOUS_DATABASE_URL: suite.postgres.url } })
    const ready = await waitReady(daemon)
    const pids = workerPids(daemon)
    expect(pids).to.have.lengthOf(2)
    expect(daemon.stdout().match(/^ready$/gm)).to.have.lengthOf(1)

    // the admin server is shared too: connections of their own reach both workers
    const admin = /^status page: (\S+)$/m.exec(daemon.stdout())?.[1] ?? ''
    // the primary hands each connection to a worker that is free to take it, so a worker busy for a moment
    // (a loaded machine) lets the other take several in a row: ask up to 32 times
    const answered = new Set<number>()
    for (let i = 0; i < 32 && answered.size < 2; i++) {
      const status = await freshGet(new URL('/api/status', admin).toString())
      expect(status.peerId).to.equal(ready.peerId)
      answered.add(status.pid)
    }
    expect([...answered].sort(), 'the workers that answered').to.deep.equal([...pids].sort())

    // peers on connections of their own, spread over the workers, all see each other
    const peers = await Promise.all(Array.from({ length: 4 }, async () => clientNode([ready.multiaddrs[0]])))
    suite.clients.push(...peers)
    for (const peer of peers) {
      expect((await peer.services.rendezvous.register('workers/chat'))[0].error).to.equal(undefined)
    }
    for (const peer of peers) {
      const found = await peer.services.rendezvous.discover('workers/chat')
      expect(found.registrations.map(r => r.peerId.toString()).sort()).to.deep.equal(peers.map(p => p.peerId.toString()).sort())
    }

    // a worker that dies is replaced, and the point goes on answering on the same address
    process.kill(pids[0], 'SIGKILL')
    await daemon.waitForStderr(new RegExp(`worker ${pids[0]} ended \\(signal SIGKILL\\); starting another`))
    const late = await clientNode([ready.multiaddrs[0]])
    suite.clients.push(late)
    expect((await late.services.rendezvous.register('workers/chat'))[0].error).to.equal(undefined)
    expect((await late.services.rendezvous.discover('workers/chat')).registrations).to.have.lengthOf(5)

    daemon.child.kill('SIGTERM')
    expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
    expect(daemon.stdout()).to.match(/stopping \(SIGTERM\)\nstopped\n$/)
    expect(pids.filter(alive)).to.deep.equal([])
  })

  it('holds the data directory for all its workers: a second daemon on it is refused', async () => {
    const first = spawnDaemon(['serve', ...LOOPBACK, '--store', 'postgres', '--workers', '2'], { cwd: suite.dir, env: { RENDEZVOUS_DATABASE_URL: suite.postgres.url } })
    await waitReady(first)
    const second = await runToExit(['serve', ...LOOPBACK, '--store', 'postgres', '--database-url', suite.postgres.url], { cwd: suite.dir })
    expect(second.code).to.equal(2)
    expect(second.out).to.match(/is in use by another rendezvous daemon/)
    first.child.kill('SIGTERM')
    expect(await waitForExit(first)).to.deep.equal({ code: 0, signal: null })
  })

  it('refuses more than one worker with the single-process stores and with the relay, saying why', async () => {
    for (const store of ['sqlite', 'level', 'memory']) {
      const refused = await runToExit(['serve', ...LOOPBACK, '--store', store, '--workers', '2'], { cwd: suite.dir })
      expect(refused.code).to.equal(2)
      expect(refused.out).to.include(`--workers 2 needs --store postgres: the ${store} store`)
    }
    const relay = await runToExit(['serve', ...LOOPBACK, '--store', 'postgres', '--database-url', 'postgres://127.0.0.1/db', '--workers', '2', '--relay'], { cwd: suite.dir })
    expect(relay.code).to.equal(2)
    expect(relay.out).to.include('--workers 2 cannot run with --relay')
    const bad = await runToExit(['serve', ...LOOPBACK, '--store', 'sqlite', '--workers', 'many'], { cwd: suite.dir })
    expect(bad.code).to.equal(2)
    expect(bad.out).to.include("--workers: 'many' is not a number of workers")
  })
})
