import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { killAll, LOOPBACK, spawnDaemon, waitForExit, waitReady } from './fixtures/daemon-process.ts'
import { rawClient, waku } from './fixtures/raw-client.ts'
import type { RawClient } from './fixtures/raw-client.ts'

describe('rendezvous serve across restarts', function () {
  this.timeout(60_000)

  let dir: string
  const clients: RawClient[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-restart-'))
  })

  afterEach(async () => {
    await killAll()
    await Promise.all(clients.splice(0).map(async c => { await c.stop() }))
    await rm(dir, { recursive: true, force: true })
  })

  const cases: Array<{ signal: NodeJS.Signals, store: string }> = [
    { signal: 'SIGTERM', store: 'sqlite' },
    { signal: 'SIGKILL', store: 'sqlite' },
    { signal: 'SIGTERM', store: 'level' },
    { signal: 'SIGKILL', store: 'level' }
  ]

  cases.forEach(({ signal, store }) => {
    it(`keeps its peer ID and registrations after ${signal} (${store} store)`, async () => {
      const args = ['serve', ...LOOPBACK, '--store', store]
      const first = spawnDaemon(args, { cwd: dir })
      const before = await waitReady(first)
      expect(before.peerId).to.match(/^12D3KooW/)
      expect(before.multiaddrs).to.have.lengthOf(2)

      const registrant = await rawClient()
      clients.push(registrant)
      const response = await registrant.register(before.multiaddrs[0], 'chat/room', { ttl: 7200 })
      expect(response).to.include({ type: 'REGISTER_RESPONSE', status: 0, ttl: 7200 })

      first.child.kill(signal)
      const exit = await waitForExit(first)
      if (signal === 'SIGTERM') {
        expect(exit).to.deep.equal({ code: 0, signal: null })
        expect(first.stdout()).to.match(/stopping \(SIGTERM\)\nstopped\n$/)
      } else {
        expect(exit.signal).to.equal('SIGKILL')
      }

      const second = spawnDaemon(args, { cwd: dir })
      const after = await waitReady(second)
      expect(after.peerId).to.equal(before.peerId)

      // a fresh peer, so nothing can come from a connection to the first process
      const discoverer = await rawClient()
      clients.push(discoverer)
      const tcp = after.multiaddrs.find(ma => !ma.includes('/ws/')) ?? ''
      expect(await discoverer.discover(tcp, 'chat/room')).to.deep.equal([registrant.peerId])
      expect(await discoverer.discover(tcp, 'chat/room', { dialect: waku })).to.deep.equal([registrant.peerId])

      second.child.kill('SIGTERM')
      expect(await waitForExit(second)).to.deep.equal({ code: 0, signal: null })
    })
  })
})
