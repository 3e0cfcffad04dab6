import { fileURLToPath } from 'node:url'
import { startProcess, waitFor, waitForEvent } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { InvalidLivenessConfigError } from '../src/errors.ts'
import { InvalidFlagError, parseConfig, startDaemon } from '../src/index.ts'
import { MuxerLiveness } from '../src/muxer-liveness.ts'
import { clientNode } from './fixtures/client-node.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'
import type { Daemon } from '../src/index.ts'
import type { Connection } from '@libp2p/interface'
import type { TestProcess } from '@rendezvous/test-utils'

/** The peer process of fixtures/silent-peer, next to this file whether it runs from test/ or dist/test/ */
const SILENT_PEER = fileURLToPath(new URL(`./fixtures/silent-peer${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url))

/** A point on loopback whose liveness check pings every second and waits a second for each answer */
async function pingingPoint (dir: string, extra: string[] = []): Promise<Daemon> {
  return startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, '--liveness-interval', '1', '--liveness-timeout', '1', ...extra]))
}

describe('vanished peers are closed by Yamux pings (--liveness-interval, --liveness-timeout)', function () {
  this.timeout(30_000)
  let peer: TestProcess | undefined

  afterEach(async () => {
    if (peer?.child.pid != null && peer.child.exitCode == null) {
      // a stopped process takes no SIGTERM until it runs again
      peer.child.kill('SIGCONT')
      await peer.stop()
    }
    peer = undefined
  })
  const suite = daemonSuite('cli-liveness')

  /** A daemon or a client node, stopped after the test */
  function track<T extends { stop(): void | Promise<void> }> (started: T): T {
    suite.clients.push(started)
    return started
  }

  it('reads both durations from the flags or the environment, and refuses them beside --ping-interval', () => {
    expect(parseConfig(['--liveness-interval', '1m', '--liveness-timeout', '5s'], {}, '/tmp')).to.include({ livenessInterval: 60, livenessTimeout: 5 })
    expect(parseConfig([], { RENDEZVOUS_LIVENESS_INTERVAL: '45', RENDEZVOUS_LIVENESS_TIMEOUT: '20s' }, '/tmp')).to.include({ livenessInterval: 45, livenessTimeout: 20 })
    const defaults = parseConfig([], {}, '/tmp')
    expect(defaults.livenessInterval).to.equal(undefined)
    expect(defaults.livenessTimeout).to.equal(undefined)
    expect(() => parseConfig(['--liveness-interval', 'soon'], {}, '/tmp')).to.throw(InvalidFlagError)
    expect(() => parseConfig(['--liveness-timeout', '0'], {}, '/tmp')).to.throw(InvalidFlagError, /at least 1 second/)
    expect(() => parseConfig(['--liveness-interval', '30s', '--ping-interval', '60s'], {}, '/tmp')).to.throw(InvalidFlagError, /give one of them/)
    expect(() => parseConfig(['--ping-interval', '60s'], { RENDEZVOUS_LIVENESS_TIMEOUT: '5' }, '/tmp')).to.throw(InvalidFlagError, /RENDEZVOUS_LIVENESS_TIMEOUT/)
  })

  it('refuses an interval or a timeout that is not a positive whole number of milliseconds', () => {
    expect(() => new MuxerLiveness({ interval: 0, timeout: 1000 })).to.throw(InvalidLivenessConfigError, /interval/)
    expect(() => new MuxerLiveness({ interval: 1000, timeout: 1.5 })).to.throw(InvalidLivenessConfigError, /timeout/)
  })

  it('closes the connection of a peer process stopped with SIGSTOP within the interval plus the timeout', async () => {
    const daemon = track(await pingingPoint(suite.dir))
    const opened = waitForEvent<CustomEvent<Connection>>(daemon.node, 'connection:open', { what: 'the peer\'s connection' })
    peer = startProcess([SILENT_PEER, daemon.multiaddrs[0]], { cwd: fileURLToPath(new URL('.', import.meta.url)) })
    const { peerId } = JSON.parse(await peer.waitForLine(/"connected"/))
    const connection = (await opened).detail
    expect(connection.remotePeer.toString()).to.equal(peerId)
    const liveness = daemon.node.services.liveness
    if (liveness == null) {
      throw new Error('the point runs no liveness check')
    }
    // the peer answers while it runs: its ping of the first round comes back
    await waitFor(() => liveness.stats.answered >= 1, { what: 'an answered ping' })

    const closed = waitForEvent<CustomEvent<Connection>>(daemon.node, 'connection:close', {
      accept: (evt) => evt.detail.id === connection.id,
      // a ping at most 1 s after the stop, unanswered for 1 s: 2 s, and room for a busy machine
      timeout: 10_000,
      what: 'the stopped peer\'s connection to close'
    })
    peer.child.kill('SIGSTOP')
    await closed
    expect(liveness.stats.closed).to.equal(1)
    expect(daemon.node.getConnections().filter(c => c.remotePeer.toString() === peerId)).to.have.length(0)
  })

  it('keeps a peer that answers connected, and opens no ping stream to find out', async () => {
    const daemon = track(await pingingPoint(suite.dir))
    const client = track(await clientNode([daemon.multiaddrs[0]]))
    let pingStreams = 0
    await client.handle('/ipfs/ping/1.0.0', (stream) => {
      pingStreams++
      stream.abort(new Error('this test counts ping streams and answers none'))
    })
    expect((await client.services.rendezvous.register('alive', { ttl: 7200 }))[0].error).to.equal(undefined)
    const liveness = daemon.node.services.liveness
    if (liveness == null) {
      throw new Error('the point runs no liveness check')
    }
    // three rounds of the check answered: the connection was pinged at least three times
    await waitFor(() => liveness.stats.answered >= 3, { timeout: 15_000, what: 'three answered pings' })
    expect(liveness.stats.closed).to.equal(0)
    expect(pingStreams).to.equal(0)
    expect(client.getConnections().filter(c => c.remotePeer.toString() === daemon.peerId)).to.have.length(1)
  })

  it('does not close a peer that answered while the point was too busy to read the answer in time', async () => {
    const daemon = track(await pingingPoint(suite.dir))
    const liveness = daemon.node.services.liveness
    if (liveness == null) {
      throw new Error('the point runs no liveness check')
    }
    // the peer in a process of its own, so that it answers while this process (the point) is blocked
    const opened = waitForEvent<CustomEvent<Connection>>(daemon.node, 'connection:open', { what: 'the peer\'s connection' })
    peer = startProcess([SILENT_PEER, daemon.multiaddrs[0]], { cwd: fileURLToPath(new URL('.', import.meta.url)) })
    const { peerId } = JSON.parse(await peer.waitForLine(/"connected"/))
    const connection = (await opened).detail
    await waitFor(() => liveness.stats.answered >= 1, { what: 'an answered ping' })

    // block the event loop right after the next ping has left, for 2.5 s, past the 1 s timeout; the answer
    // arrives meanwhile and waits, unread. The ping is counted before it is written, and the point's writes
    // leave together at the end of the event-loop turn (setImmediate): the block starts one turn later
    let answeredBeforeBusy = -1
    const busy = new Promise<void>(resolve => {
      const stats = liveness.stats
      let pinged = stats.pinged
      Object.defineProperty(stats, 'pinged', {
        configurable: true,
        enumerable: true,
        get: () => pinged,
        set: (value: number) => {
          pinged = value
          Object.defineProperty(stats, 'pinged', { configurable: true, enumerable: true, writable: true, value: pinged })
          setImmediate(() => {
            setImmediate(() => {
              answeredBeforeBusy = stats.answered
              const busyUntil = Date.now() + 2500
              while (Date.now() < busyUntil) {
                // a long synchronous task, as a point under load may run
              }
              resolve()
            })
          })
        }
      })
    })
    await busy
    // the ping was in flight when the point stopped reading, and it is judged answered
    await waitFor(() => liveness.stats.answered > answeredBeforeBusy, { timeout: 10_000, what: 'the ping sent before the busy period answered' })
    await waitFor(() => liveness.stats.answered >= answeredBeforeBusy + 3, { timeout: 15_000, what: 'two more answered pings' })
    expect(liveness.stats.closed).to.equal(0)
    expect(connection.status).to.equal('open')
    expect(daemon.node.getConnections().filter(c => c.remotePeer.toString() === peerId)).to.have.length(1)
  })

  it('gives way to js-libp2p\'s connection monitor when --ping-interval is given', async () => {
    const daemon = track(await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', suite.dir, '--ping-interval', '60s'])))
    expect(daemon.node.services.liveness).to.equal(undefined)
  })
})
