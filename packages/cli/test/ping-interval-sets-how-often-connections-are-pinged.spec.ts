import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { InvalidFlagError, parseConfig, startDaemon } from '../src/index.ts'
import { clientNode } from './fixtures/client-node.ts'
import type { Daemon } from '../src/index.ts'
import type { ClientNode } from './fixtures/client-node.ts'
import type { Stream } from '@libp2p/interface'

/** Answer a ping stream as a peer would: echo what comes, close our side after the point closes its own */
function answerPing (stream: Stream): void {
  stream.addEventListener('message', (evt) => { stream.send(evt.data) })
  stream.addEventListener('remoteCloseWrite', () => { stream.close().catch(err => { stream.abort(err) }) })
}

describe('--ping-interval', function () {
  this.timeout(30_000)
  let daemon: Daemon | undefined
  let client: ClientNode | undefined
  let dir: string | undefined

  afterEach(async () => {
    await client?.stop()
    await daemon?.stop()
    if (dir != null) {
      await rm(dir, { recursive: true, force: true })
    }
    daemon = client = dir = undefined
  })

  it('is read as a duration from the flag or RENDEZVOUS_PING_INTERVAL, and left to js-libp2p when absent', () => {
    expect(parseConfig(['--ping-interval', '60s'], {}, '/tmp').pingInterval).to.equal(60)
    expect(parseConfig([], { RENDEZVOUS_PING_INTERVAL: '2m' }, '/tmp').pingInterval).to.equal(120)
    expect(parseConfig([], {}, '/tmp').pingInterval).to.equal(undefined)
    expect(() => parseConfig(['--ping-interval', 'often'], {}, '/tmp')).to.throw(InvalidFlagError)
    expect(() => parseConfig(['--ping-interval', '0'], {}, '/tmp')).to.throw(InvalidFlagError, /at least 1 second/)
  })

  it('makes the point ping a connected peer at that interval', async function () {
    // three pings at js-libp2p's default interval (10 s) take 30 s: this bound fails the test without the flag
    this.timeout(15_000)
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-ping-'))
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, '--ping-interval', '1']))
    client = await clientNode([daemon.multiaddrs[0]])
    const point = daemon.peerId
    // the peer answers ping as a peer would (echo 32 bytes) and tells when the point's third ping came
    let pings = 0
    const threePings = new Promise<void>(resolve => {
      void client?.handle('/ipfs/ping/1.0.0', async (stream, connection) => {
        if (connection.remotePeer.toString() !== point) {
          return
        }
        answerPing(stream)
        if (++pings === 3) {
          resolve()
        }
      })
    })
    expect((await client.services.rendezvous.register('pinged', { ttl: 7200 }))[0].error).to.equal(undefined)
    await threePings
    expect(pings).to.equal(3)
  })
})
