import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rendezvous, Status } from '@rendezvous/codec'
import { levelStore } from '@rendezvous/store-level'
import { sqliteStore } from '@rendezvous/store-sqlite'
import { RawStream } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { startClient, startServer, stopAll } from './fixtures/nodes.ts'
import type { ClientNode, ServerNode } from './fixtures/nodes.ts'
import type { RegistrationStore } from '@rendezvous/store'

const adapters: Array<[string, (path: string) => Promise<RegistrationStore>]> = [
  ['sqlite', async (dir) => sqliteStore({ path: join(dir, 'registrations.sqlite') })],
  ['level', async (dir) => levelStore({ path: join(dir, 'registrations.level') })]
]

for (const [name, open] of adapters) {
  describe(`a restart on a persistent store (${name})`, () => {
    let dir: string
    let peers: ClientNode[]
    let server: ServerNode | undefined
    let store: RegistrationStore | undefined

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rendezvous-server-'))
      peers = await Promise.all(Array.from({ length: 3 }, async () => startClient()))
    })

    afterEach(async () => {
      await stopAll(...peers.map(p => p.node), server)
      await store?.close()
      server = undefined
      store = undefined
      await rm(dir, { recursive: true, force: true })
    })

    it('a cookie keeps working with the same secret, and is refused with another', async () => {
      const cookieSecret = crypto.getRandomValues(new Uint8Array(32))
      store = await open(dir)
      server = await startServer({ store, cookieSecret, dialects: [rendezvous] })
      for (const p of peers) {
        const s = await RawStream.open(p.node, server.getMultiaddrs()[0], rendezvous)
        expect(await s.register({ ns: 'ns', signedPeerRecord: await p.record() })).to.deep.include({ status: Status.OK })
        await s.close()
      }
      const first = await (await RawStream.open(peers[0].node, server.getMultiaddrs()[0], rendezvous)).discover({ ns: 'ns', limit: 2 })
      expect(first.registrations).to.have.lengthOf(2)

      await server.stop()
      await store.close()

      store = await open(dir)
      server = await startServer({ store, cookieSecret, dialects: [rendezvous] })
      const s = await RawStream.open(peers[0].node, server.getMultiaddrs()[0], rendezvous)
      const rest = await s.discover({ ns: 'ns', cookie: first.cookie })
      expect(rest.status).to.equal(Status.OK)
      expect(rest.registrations).to.have.lengthOf(1)
      expect(rest.registrations[0].signedPeerRecord).to.not.equalBytes(first.registrations[0].signedPeerRecord)
      expect(rest.registrations[0].signedPeerRecord).to.not.equalBytes(first.registrations[1].signedPeerRecord)

      await server.stop()
      server = await startServer({ store, dialects: [rendezvous] })
      const t = await RawStream.open(peers[0].node, server.getMultiaddrs()[0], rendezvous)
      expect(await t.discover({ ns: 'ns', cookie: first.cookie })).to.deep.include({ status: Status.E_INVALID_COOKIE })
    })
  })
}
