import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, connect, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { parseConfig, startDaemon } from '../src/index.ts'
import { coalesceSocketWrites } from '../src/write-coalescing.ts'
import { clientNode } from './fixtures/client-node.ts'
import type { Daemon } from '../src/index.ts'
import type { WriteCoalescing } from '../src/write-coalescing.ts'
import type { ClientNode } from './fixtures/client-node.ts'
import type { Server } from 'node:net'

/** A loopback server whose accepted socket is handed to `onSocket`; returns the port */
async function listen (onSocket: (socket: Socket) => void): Promise<{ server: Server, port: number }> {
  const server = createServer(onSocket)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as { port: number }).port }
}

/** Everything a client reads from the port until the server ends the connection */
async function readAll (port: number): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  await once(socket, 'end')
  socket.destroy()
  return Buffer.concat(chunks).toString()
}

describe('coalesceSocketWrites', function () {
  this.timeout(30_000)
  let coalescing: WriteCoalescing | undefined
  let server: Server | undefined
  let daemon: Daemon | undefined
  let client: ClientNode | undefined
  let dir: string | undefined

  afterEach(async () => {
    coalescing?.stop()
    await client?.stop()
    await daemon?.stop()
    if (server != null) {
      server.close()
    }
    if (dir != null) {
      await rm(dir, { recursive: true, force: true })
    }
    coalescing = server = daemon = client = dir = undefined
  })

  it('sends the writes of one event-loop iteration as one writev, in order, those of promise jobs and ticks included', async () => {
    coalescing = coalesceSocketWrites()
    const writevBatches: number[] = []
    const l = await listen((socket) => {
      // observe what reaches the stream's batch write: the three writes of this iteration, together
      const writev = (socket as any)._writev as (chunks: unknown[], cb: () => void) => void
      ;(socket as any)._writev = function (chunks: unknown[], cb: () => void) {
        writevBatches.push(chunks.length)
        writev.call(this, chunks, cb)
      }
      // Node announces an accepted socket on its channel right after the 'connection' listeners, so the
      // writes come a turn later, as libp2p's do (after reading the peer's first bytes); an answer computed
      // in a promise job or a tick after the read belongs with it
      // ended in a later iteration: what the first one wrote has left by then, as one
      const end = (): void => { socket.end() }
      const third = (): void => {
        socket.write('three')
        setImmediate(end)
      }
      setImmediate(() => {
        socket.write('one ')
        process.nextTick(() => { socket.write('two ') })
        void Promise.resolve().then(third)
      })
    })
    server = l.server
    expect(await readAll(l.port)).to.equal('one two three')
    expect(writevBatches).to.deep.equal([3])
  })

  it('holds nothing past its iteration: the writes of the next one leave on their own', async () => {
    coalescing = coalesceSocketWrites()
    const batches: string[] = []
    const l = await listen((socket) => {
      const writev = (socket as any)._writev as (chunks: Array<{ chunk: Buffer }>, cb: () => void) => void
      ;(socket as any)._writev = function (chunks: Array<{ chunk: Buffer }>, cb: () => void) {
        batches.push(chunks.map(c => String(c.chunk)).join(''))
        writev.call(this, chunks, cb)
      }
      const end = (): void => { socket.end() }
      const second = (): void => {
        socket.write('c')
        socket.write('d')
        setImmediate(end)
      }
      setImmediate(() => {
        socket.write('a')
        socket.write('b')
        setImmediate(second)
      })
    })
    server = l.server
    expect(await readAll(l.port)).to.equal('abcd')
    expect(batches).to.deep.equal(['ab', 'cd'])
  })

  it('leaves sockets alone once stopped', async () => {
    coalescing = coalesceSocketWrites()
    coalescing.stop()
    let wrapped: boolean | undefined
    const l = await listen((socket) => {
      setImmediate(() => {
        wrapped = socket.write !== Socket.prototype.write
        socket.end('plain')
      })
    })
    server = l.server
    expect(await readAll(l.port)).to.equal('plain')
    expect(wrapped).to.equal(false)
  })

  it('is on by default, and off with --no-coalesce-writes or RENDEZVOUS_COALESCE_WRITES=false', () => {
    expect(parseConfig([], {}, '/tmp').coalesceWrites).to.equal(undefined)
    expect(parseConfig(['--coalesce-writes'], {}, '/tmp').coalesceWrites).to.equal(undefined)
    expect(parseConfig(['--no-coalesce-writes'], {}, '/tmp').coalesceWrites).to.equal(false)
    expect(parseConfig([], { RENDEZVOUS_COALESCE_WRITES: 'false' }, '/tmp').coalesceWrites).to.equal(false)
    // the flag wins over the environment
    expect(parseConfig(['--coalesce-writes'], { RENDEZVOUS_COALESCE_WRITES: 'false' }, '/tmp').coalesceWrites).to.equal(undefined)
  })

  it('keeps a rendezvous point, which coalesces by default, answering REGISTER and DISCOVER over Noise and Yamux', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-coalesce-'))
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir]))
    client = await clientNode([daemon.multiaddrs[0]])
    const outcomes = await client.services.rendezvous.register('coalesced', { ttl: 7200 })
    expect(outcomes[0].error).to.equal(undefined)
    const found = await client.services.rendezvous.discover('coalesced')
    expect(found.registrations.map(r => r.peerId.toString())).to.deep.equal([client.peerId.toString()])
  })
})
