import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres } from '@rendezvous/store-postgres/testing'
import { expect } from 'aegir/chai'
import pg from 'pg'
import { EXPIRY_LEADER_LOCK } from '../src/constants.ts'
import { clientNode } from './fixtures/client-node.ts'
import { killAll, LOOPBACK, spawnDaemon, waitForExit, waitReady } from './fixtures/daemon-process.ts'
import type { ClientNode } from './fixtures/client-node.ts'
import type { DaemonProcess, Ready } from './fixtures/daemon-process.ts'
import type { PostgresServer } from '@rendezvous/store-postgres/testing'

/** Peers that register at random points of the fleet */
const PEERS = 12

/** Rounds of the load, each peer registering under a new namespace at a random point */
const LOAD_ROUNDS = 6

/** Acknowledged REGISTERs of the load after which one point is killed */
const KILL_AFTER_ACKS = 20

/** The whole load stops after this long, whatever is left of its rounds */
const LOAD_DEADLINE_MS = 60_000

/** Page size of the hopping DISCOVER: several pages, each at the next point */
const PAGE = 5

function pick<T> (items: T[]): T {
  return items[Math.floor(Math.random() * items.length)]
}

/** The TCP address of a point (its first, the WebSocket one is second) */
function tcpOf (point: Ready): string {
  return point.multiaddrs.find(ma => !ma.includes('/ws')) ?? point.multiaddrs[0]
}

/**
 * Every registration of a namespace, page by page, each page asked of the next point in turn with the
 * cookie the previous point handed out; bounded in pages
 */
async function discoverHopping (reader: ClientNode, namespace: string, points: string[], maxPages = 50): Promise<string[]> {
  const seen: string[] = []
  let cookie: Uint8Array | undefined
  for (let page = 0; page < maxPages; page++) {
    const result = await reader.services.rendezvous.discover(namespace, { point: points[page % points.length], limit: PAGE, ...(cookie != null ? { cookie } : {}) })
    seen.push(...result.registrations.map(r => r.peerId.toString()))
    if (result.registrations.length === 0) {
      return seen
    }
    cookie = result.cookie
  }
  throw new Error(`more than ${maxPages} pages of ${namespace}`)
}

describe('a fleet of three daemons on one PostgreSQL', function () {
  this.timeout(240_000)

  let postgres: PostgresServer
  const dirs: string[] = []
  const clients: ClientNode[] = []

  before(async () => {
    postgres = await startPostgres()
  })

  after(async () => {
    await killAll()
    await Promise.all(clients.splice(0).map(async c => { await Promise.resolve(c.stop()).catch(() => {}) }))
    await Promise.all(dirs.map(async d => rm(d, { recursive: true, force: true })))
    await postgres?.stop()
  })

  it('answers as one point: registrations seen everywhere exactly once across cookie hops, UNREGISTER seen everywhere, nothing acknowledged lost to a SIGKILL', async () => {
    const daemons: DaemonProcess[] = []
    const ready: Ready[] = []
    for (let i = 0; i < 3; i++) {
      const dir = await mkdtemp(join(tmpdir(), `rendezvous-fleet-${i}-`))
      dirs.push(dir)
      const daemon = spawnDaemon(['serve', ...LOOPBACK, '--store', 'postgres'], { cwd: dir, env: { RENDEZVOUS_DATABASE_URL: postgres.url } })
      daemons.push(daemon)
      ready.push(await waitReady(daemon))
    }
    expect(new Set(ready.map(r => r.peerId)).size).to.equal(3)
    const points = ready.map(tcpOf)

    // expiry runs on one point of the fleet: the holder of the expiry lock
    const admin = new pg.Client({ connectionString: postgres.url })
    await admin.connect()
    try {
      const holders = await admin.query('SELECT count(*)::int AS n FROM pg_locks WHERE locktype = \'advisory\' AND classid = $1 AND objid = $2 AND granted', [EXPIRY_LEADER_LOCK.classId, EXPIRY_LEADER_LOCK.objectId])
      expect(holders.rows[0].n).to.equal(1)
    } finally {
      await admin.end()
    }

    // peers register at random points, each knowing only its own
    const homes = Array.from({ length: PEERS }, () => pick(points))
    const peers = await Promise.all(homes.map(async home => clientNode([home])))
    clients.push(...peers)
    for (const peer of peers) {
      const [outcome] = await peer.services.rendezvous.register('fleet/chat')
      expect(outcome.error).to.equal(undefined)
    }
    const everyone = peers.map(p => p.peerId.toString()).sort()

    // a reader that pages through them, each page at the next point with the last point's cookie
    const reader = await clientNode(points)
    clients.push(reader)
    const seen = await discoverHopping(reader, 'fleet/chat', points)
    expect(seen).to.have.lengthOf(PEERS)
    expect([...seen].sort()).to.deep.equal(everyone)
    // a page in the other order of points sees the same
    expect([...await discoverHopping(reader, 'fleet/chat', [...points].reverse())].sort()).to.deep.equal(everyone)

    // an UNREGISTER at one point is seen at all
    const [leaving] = await peers[0].services.rendezvous.unregister('fleet/chat')
    expect(leaving.error).to.equal(undefined)
    for (const point of points) {
      const { registrations } = await reader.services.rendezvous.discover('fleet/chat', { point, limit: 100 })
      expect(registrations.map(r => r.peerId.toString()).sort()).to.deep.equal(everyone.filter(p => p !== peers[0].peerId.toString()))
    }

    // load from every peer at random points; one point is SIGKILLed while REGISTERs are in flight
    const loaders = await Promise.all(peers.map(async () => clientNode(points)))
    clients.push(...loaders)
    const acknowledged: Array<{ namespace: string, peerId: string }> = []
    let refused = 0
    const victim = daemons[2]
    const killed = victim.exited.then(exit => exit)
    const deadline = Date.now() + LOAD_DEADLINE_MS
    await Promise.all(loaders.map(async loader => {
      for (let round = 0; round < LOAD_ROUNDS && Date.now() < deadline; round++) {
        const namespace = `fleet/load/${round}`
        const [outcome] = await loader.services.rendezvous.register(namespace, { points: [pick(points)] })
        if (outcome.error == null) {
          acknowledged.push({ namespace, peerId: loader.peerId.toString() })
          if (acknowledged.length === KILL_AFTER_ACKS) {
            victim.child.kill('SIGKILL')
          }
        } else {
          refused++
        }
      }
    }))
    expect((await killed).signal).to.equal('SIGKILL')
    expect(acknowledged.length).to.be.greaterThan(KILL_AFTER_ACKS)

    // every acknowledged registration is at both surviving points, whichever point acknowledged it
    const survivors = points.slice(0, 2)
    for (let round = 0; round < LOAD_ROUNDS; round++) {
      const namespace = `fleet/load/${round}`
      const expected = acknowledged.filter(a => a.namespace === namespace).map(a => a.peerId).sort()
      for (const point of survivors) {
        const found = new Set(await discoverHopping(reader, namespace, [point]))
        expect(expected.filter(p => !found.has(p)), `lost at ${point} in ${namespace} (${refused} REGISTERs refused while a point was down)`).to.deep.equal([])
      }
    }

    for (const daemon of daemons.slice(0, 2)) {
      daemon.child.kill('SIGTERM')
      expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
    }
  })
})
