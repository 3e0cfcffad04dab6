import { createServer } from 'node:net'
import { expect } from 'aegir/chai'
import { clientNode } from './fixtures/client-node.ts'
import { LOOPBACK, runToExit, spawnDaemon, waitForExit, waitReady } from './fixtures/daemon-process.ts'
import { postgresSuite } from './fixtures/postgres-suite.ts'

/** A password that can only come from the URL: found anywhere in the output, it leaked */
const PASSWORD = 'Ex4mple-pa55word-never-printed'

/** The test server trusts 127.0.0.1, so the password is not checked: it is only there to be hidden */
function withPassword (url: string): string {
  const parsed = new URL(url)
  parsed.username = parsed.username === '' ? 'postgres' : parsed.username
  parsed.password = PASSWORD
  return parsed.toString()
}

/** A loopback port nothing listens on, for a database that cannot be reached */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', () => { resolve() }) })
  const address = server.address()
  const port = typeof address === 'object' && address != null ? address.port : 0
  await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  return port
}

describe('rendezvous serve --store postgres', function () {
  this.timeout(120_000)

  const suite = postgresSuite('cli-postgres')

  it('serves from the database and shows the URL without its password in the banner, the status API and the JSON output', async () => {
    const env = { RENDEZVOUS_DATABASE_URL: withPassword(suite.postgres.url) }
    const daemon = spawnDaemon(['serve', ...LOOPBACK, '--store', 'postgres', '--admin', '127.0.0.1:0', '--log-level', 'debug'], { cwd: suite.dir, env })
    const ready = await waitReady(daemon)
    const storeLine = daemon.stdout().split('\n').find(l => l.startsWith('store: ')) ?? ''
    expect(storeLine).to.match(/^store: postgres at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\//)

    const peer = await clientNode([ready.multiaddrs[0]])
    suite.clients.push(peer)
    expect((await peer.services.rendezvous.register('pg/chat'))[0].error).to.equal(undefined)
    const found = await peer.services.rendezvous.discover('pg/chat')
    expect(found.registrations.map(r => r.peerId.toString())).to.deep.equal([peer.peerId.toString()])

    const admin = /^status page: (\S+)$/m.exec(daemon.stdout())?.[1] ?? ''
    const status = await (await fetch(new URL('/api/status', admin))).text()
    expect(JSON.parse(status).store.kind).to.equal('postgres')
    expect(status).to.include(':***@')
    expect(status).to.not.include(PASSWORD)

    daemon.child.kill('SIGTERM')
    expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
    expect(daemon.stdout() + daemon.stderr()).to.not.include(PASSWORD)

    // the same with --json and the URL on the command line
    const json = spawnDaemon(['serve', ...LOOPBACK, '--store', 'postgres', '--json', '--database-url', withPassword(suite.postgres.url)], { cwd: suite.dir })
    const listening = JSON.parse(await json.waitFor(/"event":"listening"/))
    // a new peer: the first one's peer store still holds the stopped process's address for this peer ID
    const reader = await clientNode([listening.multiaddrs[0]])
    suite.clients.push(reader)
    expect((await reader.services.rendezvous.discover('pg/chat')).registrations.map(r => r.peerId.toString())).to.deep.equal([peer.peerId.toString()])
    json.child.kill('SIGTERM')
    await waitForExit(json)
    expect(json.stdout() + json.stderr()).to.not.include(PASSWORD)
  })

  it('names an unreachable database in its error without the password, and exits 2', async () => {
    const url = `postgres://rendezvous:${PASSWORD}@127.0.0.1:${await closedPort()}/rendezvous`
    const text = await runToExit(['serve', ...LOOPBACK, '--store', 'postgres'], { cwd: suite.dir, env: { RENDEZVOUS_DATABASE_URL: url } })
    expect(text.code).to.equal(2)
    expect(text.out).to.match(/postgres store postgres:\/\/rendezvous:\*\*\*@127\.0\.0\.1:\d+\/rendezvous cannot be opened/)
    expect(text.out).to.not.include(PASSWORD)

    const json = await runToExit(['serve', ...LOOPBACK, '--store', 'postgres', '--json', '--database-url', url], { cwd: suite.dir })
    expect(json.code).to.equal(2)
    expect(json.out).to.match(/"event":"error"/)
    expect(json.out).to.not.include(PASSWORD)
  })

  it('keeps the password out of --help and out of its flag errors', async () => {
    const env = { RENDEZVOUS_DATABASE_URL: withPassword(suite.postgres.url) }
    const help = await runToExit(['serve', '--help'], { cwd: suite.dir, env })
    expect(help.code).to.equal(0)
    expect(help.out).to.include('--database-url')
    expect(help.out).to.not.include(PASSWORD)

    const wrongStore = await runToExit(['serve', ...LOOPBACK, '--store', 'sqlite'], { cwd: suite.dir, env })
    expect(wrongStore.code).to.equal(2)
    expect(wrongStore.out).to.include('RENDEZVOUS_DATABASE_URL (--database-url) is only for --store postgres')
    expect(wrongStore.out).to.not.include(PASSWORD)

    const notPostgres = await runToExit(['serve', ...LOOPBACK, '--store', 'postgres', '--database-url', `mysql://u:${PASSWORD}@127.0.0.1/db`], { cwd: suite.dir })
    expect(notPostgres.code).to.equal(2)
    expect(notPostgres.out).to.include('--database-url must start with postgres://')
    expect(notPostgres.out).to.not.include(PASSWORD)

    const missing = await runToExit(['serve', ...LOOPBACK, '--store', 'postgres'], { cwd: suite.dir })
    expect(missing.code).to.equal(2)
    expect(missing.out).to.include('--store postgres needs --database-url')
  })
})
