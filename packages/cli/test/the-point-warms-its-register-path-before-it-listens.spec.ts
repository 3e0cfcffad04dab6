import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { DIALECTS, rendezvous } from '@rendezvous/codec'
import { expect } from 'aegir/chai'
import { parseConfig, startDaemon } from '../src/index.ts'
import { noiseCrypto } from '../src/noise-crypto.ts'
import { warmUp } from '../src/warm-up.ts'
import type { Daemon } from '../src/index.ts'
import type { WarmUpStack } from '../src/warm-up.ts'

const stack: WarmUpStack = {
  encrypter: () => noise({ crypto: noiseCrypto }),
  muxer: () => yamux()
}

describe('the point warms its REGISTER path before it listens', function () {
  this.timeout(60_000)

  let dir: string
  let daemon: Daemon | undefined

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-warm-up-'))
  })

  afterEach(async () => {
    await daemon?.stop()
    daemon = undefined
    await rm(dir, { recursive: true, force: true })
  })

  it('has every REGISTER of the warm-up answered OK, in every dialect it can make a record for', async () => {
    const result = await warmUp(90, DIALECTS, stack)
    expect(result.registers).to.equal(90)
    expect(result.ms).to.be.greaterThan(0)
  })

  it('gives back the heap it grew', async () => {
    const before = process.memoryUsage().heapTotal
    await warmUp(500, DIALECTS, stack)
    // kept, the heap of 500 REGISTERs' garbage is about 40 MiB more than before (150 MiB for 2,000)
    expect(process.memoryUsage().heapTotal - before).to.be.lessThan(16 * 1024 * 1024)
  })

  it('does nothing when asked for none', async () => {
    expect(await warmUp(0, DIALECTS, stack)).to.deep.equal({ registers: 0, ms: 0 })
    expect(await warmUp(10, [], stack)).to.deep.equal({ registers: 0, ms: 0 })
  })

  it('by default, before the daemon listens, and leaves nothing behind in the point: no registration, request, connection or peer', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir]))
    expect(daemon.warmUp.registers).to.equal(2000)
    const server = daemon.node.services.rendezvous
    expect(await server.registrations()).to.equal(0)
    expect(server.stats().requests).to.deep.equal({})
    expect(server.stats().streams.opened).to.equal(0)
    expect(daemon.node.getConnections()).to.have.lengthOf(0)
    // the peer store holds the point itself, none of the throwaway clients
    expect((await daemon.node.peerStore.all()).map(p => p.id.toString()).filter(id => id !== daemon?.peerId)).to.deep.equal([])
  })

  it('is skipped with --warm-up 0', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, '--warm-up', '0', '--dialect', rendezvous.name]))
    expect(daemon.warmUp).to.deep.equal({ registers: 0, ms: 0 })
  })

  it('fails with a WarmUpError, naming the cause, when its throwaway point cannot be built', async () => {
    const broken: WarmUpStack = { ...stack, muxer: () => { throw new Error('no muxer here') } }
    const err = await warmUp(10, DIALECTS, broken).catch(e => e)
    expect(err).to.have.property('name', 'WarmUpError')
    expect(err.message).to.include('no muxer here')
  })
})
