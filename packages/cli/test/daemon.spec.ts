import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { AddressInUseError, parseConfig, startDaemon } from '../src/index.ts'
import { rawClient } from './fixtures/raw-client.ts'
import type { Daemon } from '../src/index.ts'
import type { RawClient } from './fixtures/raw-client.ts'
import type { Server } from 'node:net'

describe('startDaemon', function () {
  this.timeout(30_000)

  let dir: string
  let daemon: Daemon | undefined
  let client: RawClient | undefined
  let blocker: Server | undefined

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-daemon-'))
  })

  afterEach(async () => {
    await daemon?.stop()
    await client?.stop()
    await new Promise(resolve => { blocker == null ? resolve(undefined) : blocker.close(resolve) })
    daemon = client = blocker = undefined
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps its key files private to the user', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', dir]))
    expect((await readdir(dir)).sort()).to.deep.equal(['cookie-secret', 'daemon.lock', 'identity.key', 'registrations.sqlite', 'registrations.sqlite-shm', 'registrations.sqlite-wal'])
    expect((await stat(join(dir, 'identity.key'))).mode & 0o777).to.equal(0o600)
    expect((await stat(join(dir, 'cookie-secret'))).mode & 0o777).to.equal(0o600)
  })

  it('with the memory store writes only the identity key: the cookie secret must not outlive the registrations', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir]))
    expect((await readdir(dir)).sort()).to.deep.equal(['daemon.lock', 'identity.key'])
    expect(daemon.storePath).to.equal(undefined)
  })

  it('listens on IPv4 and IPv6 loopback on one port number', async () => {
    blocker = createServer()
    await new Promise<void>(resolve => blocker?.listen({ host: '127.0.0.1', port: 0 }, resolve))
    const { port } = blocker.address() as { port: number }
    await new Promise(resolve => blocker?.close(resolve))
    blocker = undefined
    daemon = await startDaemon(parseConfig(['--listen', `/ip4/127.0.0.1/tcp/${port},/ip6/::1/tcp/${port}`, '--store', 'memory', '--data-dir', dir]))
    expect(daemon.multiaddrs).to.deep.equal([
      `/ip4/127.0.0.1/tcp/${port}/p2p/${daemon.peerId}`,
      `/ip6/::1/tcp/${port}/p2p/${daemon.peerId}`
    ])
    client = await rawClient()
    expect(await client.register(daemon.multiaddrs[1], 'over-ipv6')).to.include({ status: 0 })
  })

  it('serves only the dialects asked for', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, '--dialect', 'waku/0.0.1']))
    expect(daemon.protocols).to.deep.equal(['/vac/waku/rendezvous/0.0.1'])
    expect(daemon.node.getProtocols()).to.include('/vac/waku/rendezvous/0.0.1')
    expect(daemon.node.getProtocols()).to.not.include('/rendezvous/1.0.0')
  })

  it('applies the TTL window to /rendezvous/1.0.0', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, '--min-ttl', '60', '--max-ttl', '120', '--default-ttl', '90']))
    client = await rawClient()
    const point = daemon.multiaddrs[0]
    expect(await client.register(point, 'a')).to.include({ status: 0, ttl: 90 })
    expect(await client.register(point, 'b', { ttl: 60 })).to.include({ status: 0, ttl: 60 })
    expect(await client.register(point, 'c', { ttl: 121 })).to.include({ status: 102 })
    expect(await client.register(point, 'd', { ttl: 59 })).to.include({ status: 102 })
  })

  it('applies the per-peer limit', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, '--max-registrations-per-peer', '2']))
    client = await rawClient()
    const point = daemon.multiaddrs[0]
    expect(await client.register(point, 'a')).to.include({ status: 0 })
    expect(await client.register(point, 'b')).to.include({ status: 0 })
    expect(await client.register(point, 'c')).to.include({ status: 200 })
    // a refresh is not a new registration
    expect(await client.register(point, 'a')).to.include({ status: 0 })
  })

  it('removes everything it created when a port is taken between the check and the listen', async () => {
    const config = parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--data-dir', join(dir, 'data')])
    let port = 0
    const started = startDaemon(config, {
      beforeWrite: async () => {
        blocker = createServer()
        await new Promise<void>(resolve => blocker?.listen({ host: '127.0.0.1', port: 0 }, resolve))
        port = (blocker.address() as { port: number }).port
        // the daemon reads its listen list when it builds the node, after this hook
        config.listen.splice(0, 1, `/ip4/127.0.0.1/tcp/${port}`)
      }
    })
    const err = await started.then(() => undefined, (err: Error) => err)
    expect(err).to.be.an.instanceOf(AddressInUseError)
      .with.property('message', `cannot listen on /ip4/127.0.0.1/tcp/${port}: address already in use`)
    expect(await readdir(dir)).to.deep.equal([])
  })
})
