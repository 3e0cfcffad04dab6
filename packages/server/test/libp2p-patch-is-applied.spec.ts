import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rendezvous } from '@rendezvous/codec'
import { ManualClock } from '@rendezvous/store/compliance'
import { RawStream, waitFor } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startClient, startServer, stopAll } from './fixtures/nodes.ts'
import { TestStore } from './fixtures/test-store.ts'

/**
 * The repository carries a patch of js-libp2p (patches/libp2p@3.3.11.patch, described in docs/upstream.md).
 * These tests fail when the dependency changes under it: a new libp2p version must be checked against the
 * patch (dropped if upstream fixed it, ported otherwise), not silently run without it.
 */
describe('the js-libp2p patch', () => {
  // the package's entry is dist/src/index.js: its root is two levels up
  const root = join(fileURLToPath(import.meta.resolve('libp2p')), '../../..')

  it('applies to the libp2p version it was written for', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
    expect(pkg.version).to.equal('3.3.11', 'libp2p changed: re-check patches/libp2p@3.3.11.patch against it (docs/upstream.md)')
    const manager = await readFile(join(root, 'dist/src/connection-manager/index.js'), 'utf8')
    expect(manager).to.not.include('conns = conns.concat(c)')
  })

  /** The peer store merges of the client's protocols at a server over five streams of one connection */
  async function protocolMerges (recordRequesterProtocols?: boolean): Promise<{ merges: number, recorded: string[] }> {
    const clock = new ManualClock(Date.now())
    const server = await startServer({ store: new TestStore(clock.clock), clock: clock.clock, dialects: [rendezvous], recordRequesterProtocols })
    const client = await startClient()
    try {
      let merges = 0
      const merge = server.peerStore.merge.bind(server.peerStore)
      server.peerStore.merge = async (...args: Parameters<typeof merge>) => {
        if (args[1].protocols != null && args[0].equals(client.node.peerId)) {
          merges++
        }
        return merge(...args)
      }
      for (let i = 0; i < 5; i++) {
        const s = await RawStream.open(client.node, server.getMultiaddrs(), rendezvous)
        await s.discover({ ns: 'x' })
        await s.close()
      }
      const recorded = (await server.peerStore.has(client.node.peerId)) ? (await server.peerStore.get(client.node.peerId)).protocols : []
      return { merges, recorded }
    } finally {
      await stopAll(client.node, server)
    }
  }

  it('writes the peer store once per protocol per connection, not once per inbound stream', async () => {
    const { merges, recorded } = await protocolMerges(true)
    expect(merges).to.equal(1)
    expect(recorded).to.include(rendezvous.protocol)
  })

  it('writes nothing to the peer store for the inbound streams of a handler registered with recordInboundProtocol: false (the server\'s default)', async () => {
    const { merges, recorded } = await protocolMerges()
    expect(merges).to.equal(0)
    expect(recorded).to.not.include(rendezvous.protocol)
  })

  it('counts the open connections without listing them for every new one', async () => {
    const server = await startServer({ store: new TestStore(), dialects: [rendezvous] })
    const clients = await Promise.all([startClient(), startClient(), startClient()])
    // the patched manager keeps the count; the pruner and the inbound check read it instead of a list
    const manager = (server as unknown as { components: { connectionManager: { getConnections(): unknown[], getConnectionCount(): number } } }).components.connectionManager
    const list = manager.getConnections.bind(manager)
    let listed = 0
    manager.getConnections = () => {
      listed++
      return list()
    }
    try {
      for (const client of clients) {
        await client.node.dial(server.getMultiaddrs())
      }
      // the pruner runs on connection:open, after the dialer has its connection: wait until the server's
      // manager has counted all three
      await waitFor(() => manager.getConnectionCount() === 3)
      expect(listed).to.equal(0)
      expect(list()).to.have.lengthOf(3)
      await clients[0].node.hangUp(server.peerId)
      await waitFor(() => manager.getConnectionCount() === 2)
      expect(list()).to.have.lengthOf(2)
    } finally {
      await stopAll(...clients.map(c => c.node), server)
    }
  })
})
