import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { spawnDaemon, waitForExit } from './fixtures/daemon-process.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'
import type { Server } from 'node:net'

/** Listen on a free loopback port, to take it away from the daemon */
async function occupyPort (): Promise<{ server: Server, port: number }> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
  const address = server.address()
  if (address == null || typeof address === 'string') {
    throw new Error('no address')
  }
  return { server, port: address.port }
}

/** Every file and directory under `dir`, relative to it */
async function tree (dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort()
}

describe('rendezvous serve refuses to start', function () {
  this.timeout(30_000)
  const suite = daemonSuite('cli-start')

  const servers: Server[] = []

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async s => new Promise(resolve => s.close(resolve))))
  })

  /** Run the bin, expect exit code 2 and exactly one stderr line matching `message` */
  async function expectRefusal (args: string[], message: RegExp): Promise<string> {
    const daemon = spawnDaemon(args, { cwd: suite.dir })
    const exit = await waitForExit(daemon)
    expect(exit, daemon.stderr()).to.deep.equal({ code: 2, signal: null })
    expect(daemon.stdout()).to.equal('')
    const lines = daemon.stderr().split('\n')
    expect(lines, daemon.stderr()).to.have.lengthOf(2)
    expect(lines[0]).to.match(/^rendezvous: /).and.match(message)
    return lines[0]
  }

  it('on a bad flag, before anything is written', async () => {
    await expectRefusal(['serve', '--store', 'mongo'], /--store: unknown store 'mongo'/)
    expect(await tree(suite.dir)).to.deep.equal([])
  })

  it('when a TCP port is in use, naming the address, before anything is written', async () => {
    const { server, port } = await occupyPort()
    servers.push(server)
    await expectRefusal(['serve', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--listen', `/ip4/127.0.0.1/tcp/${port}`],
      new RegExp(`cannot listen on /ip4/127.0.0.1/tcp/${port}: address already in use`))
    expect(await tree(suite.dir)).to.deep.equal([])
  })

  it('when a WebSocket port is in use, before anything is written', async () => {
    const { server, port } = await occupyPort()
    servers.push(server)
    await expectRefusal(['serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', `/ip4/127.0.0.1/tcp/${port}/ws`],
      new RegExp(`cannot listen on /ip4/127.0.0.1/tcp/${port}/ws: address already in use`))
    expect(await tree(suite.dir)).to.deep.equal([])
  })

  it('when the metrics port is in use, before anything is written', async () => {
    const { server, port } = await occupyPort()
    servers.push(server)
    await expectRefusal(['serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--metrics', `127.0.0.1:${port}`],
      new RegExp(`cannot serve metrics on 127.0.0.1:${port}: address already in use`))
    expect(await tree(suite.dir)).to.deep.equal([])
  })

  it('when the data dir is a file', async () => {
    await writeFile(join(suite.dir, 'state'), 'not a directory')
    await expectRefusal(['serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', 'state'], new RegExp(`data dir ${suite.dir}/state is not a directory`))
    expect(await tree(suite.dir)).to.deep.equal(['state'])
  })

  it('when the data dir cannot be created because a parent is a file', async () => {
    await writeFile(join(suite.dir, 'file'), 'x')
    await expectRefusal(['serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', 'file/data'], /data dir .*\/file\/data: a part of the path is a file, not a directory/)
    expect(await tree(suite.dir)).to.deep.equal(['file'])
  })

  it('when the data dir is not writable', async () => {
    // root writes through any mode bits, but not into Linux's /proc/sys
    const asRoot = process.getuid?.() === 0
    const locked = asRoot ? '/proc/sys' : join(suite.dir, 'locked')
    if (!asRoot) {
      await mkdir(locked, { mode: 0o500 })
    }
    await expectRefusal(['serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', join(locked, 'data')], new RegExp(`data dir ${locked}/data cannot be created: ${locked} is not writable`))
    expect(await tree(suite.dir)).to.deep.equal(asRoot ? [] : ['locked'])
  })

  it('when the identity key is damaged, writing nothing else', async () => {
    await mkdir(join(suite.dir, 'rendezvous-data'))
    await writeFile(join(suite.dir, 'rendezvous-data', 'identity.key'), 'garbage')
    await expectRefusal(['serve', '--listen', '/ip4/127.0.0.1/tcp/0'], /identity key .*rendezvous-data\/identity.key is not a protobuf-encoded libp2p private key/)
    expect(await tree(suite.dir)).to.deep.equal(['rendezvous-data', 'rendezvous-data/identity.key'])
  })

  it('when the cookie secret is damaged, writing nothing else', async () => {
    await mkdir(join(suite.dir, 'rendezvous-data'))
    await writeFile(join(suite.dir, 'rendezvous-data', 'cookie-secret'), 'short')
    await expectRefusal(['serve', '--listen', '/ip4/127.0.0.1/tcp/0'], /cookie secret .*cookie-secret has 5 bytes, not 32/)
    expect(await tree(suite.dir)).to.deep.equal(['rendezvous-data', 'rendezvous-data/cookie-secret'])
  })

  it('when the listen address is not on this machine', async () => {
    await expectRefusal(['serve', '--listen', '/ip4/192.0.2.1/tcp/0'], /cannot listen on \/ip4\/192.0.2.1\/tcp\/0: address not available on this machine/)
    expect(await tree(suite.dir)).to.deep.equal([])
  })
})

describe('rendezvous serve cleans up after a start that fails late', function () {
  this.timeout(30_000)
  const suite = daemonSuite('cli-rollback')

  it('removes the identity key and cookie secret it wrote when the store cannot be opened', async () => {
    // a directory where the SQLite file should be: found only when the store opens, after the key files
    await mkdir(join(suite.dir, 'rendezvous-data', 'registrations.sqlite'), { recursive: true })
    const daemon = spawnDaemon(['serve', '--listen', '/ip4/127.0.0.1/tcp/0'], { cwd: suite.dir })
    expect(await waitForExit(daemon)).to.deep.equal({ code: 2, signal: null })
    expect(daemon.stderr()).to.match(/^rendezvous: sqlite store .*registrations.sqlite cannot be opened: .+\n$/)
    expect(await tree(suite.dir)).to.deep.equal(['rendezvous-data', 'rendezvous-data/registrations.sqlite'])
  })
})
