import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { Status } from '@rendezvous/codec'
import { expect } from 'aegir/chai'
import { parseConfig, startDaemon } from '../src/index.ts'
import { attacker, manyAddresses, registerMessage, slowloris } from './fixtures/attackers.ts'
import { exchange, rawClient } from './fixtures/raw-client.ts'
import type { Daemon } from '../src/index.ts'
import type { Attacker } from './fixtures/attackers.ts'

/** What a legitimate peer must always get while an attack runs */
const DEADLINE_MS = 2000
const TRIES = 5

/**
 * A fresh peer (new identity, new connection, from 127.0.0.1) registers and discovers itself; it must be
 * answered within the deadline
 */
async function legitimateRoundTrip (point: string, namespace = 'legit'): Promise<void> {
  const client = await rawClient()
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([
      (async () => {
        const registered = await client.register(point, namespace)
        expect(registered).to.have.property('status', Status.OK)
        expect(await client.discover(point, namespace)).to.include(client.peerId)
      })(),
      new Promise((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`no answer within ${DEADLINE_MS} ms`)) }, DEADLINE_MS) })
    ])
  } finally {
    clearTimeout(timer)
    await client.stop()
  }
}

/** `TRIES` legitimate round trips, one every `spacingMs`, all while the attack runs */
async function legitimateTries (point: string, spacingMs: number): Promise<number> {
  let ok = 0
  for (let i = 0; i < TRIES; i++) {
    await new Promise(resolve => setTimeout(resolve, spacingMs))
    await legitimateRoundTrip(point)
    ok++
  }
  return ok
}

describe('hostile peers cannot lock others out (each attack bounded, loopback only)', function () {
  this.timeout(120_000)

  let dir: string
  let daemon: Daemon | undefined
  const attackers: Attacker[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-hostile-'))
  })

  afterEach(async () => {
    await Promise.all(attackers.splice(0).map(async a => a.node.stop()))
    await daemon?.stop()
    daemon = undefined
    await rm(dir, { recursive: true, force: true })
  })

  async function serve (...flags: string[]): Promise<string> {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'memory', '--data-dir', dir, ...flags]))
    return daemon.multiaddrs[0]
  }

  it('a handshake slowloris (40 sockets per second dripping 1 byte per second) holds a few handshake slots, not the point', async () => {
    const point = await serve()
    const port = Number(multiaddr(point).getComponents().find(c => c.name === 'tcp')?.value)
    const attack = slowloris('127.0.0.1', port, '127.0.0.2', 40, 12)
    try {
      expect(await legitimateTries(point, 1500)).to.equal(TRIES)
      const connections = daemon?.node.services.rendezvous.stats().connections
      // the attack reached the point and was held to its per-address share
      expect(connections?.refused.pending).to.be.greaterThan(0)
    } finally {
      attack.stop()
    }
  })

  it('connections that never open a stream cannot fill --max-connections: one address holds a few, many addresses get pruned', async () => {
    const point = await serve('--max-connections', '100')
    // 40 identities from one address, and 6 from each of 20 others: 160 connections that do nothing
    const sources = [...Array.from({ length: 40 }, () => '127.0.0.2'), ...Array.from({ length: 120 }, (_, i) => `127.0.1.${1 + (i % 20)}`)]
    for (const source of sources) {
      const a = await attacker(source)
      attackers.push(a)
      await a.node.dial(multiaddr(point)).catch(() => {})
    }
    expect(await legitimateTries(point, 1000)).to.equal(TRIES)
    const stats = daemon?.node.services.rendezvous.stats().connections
    expect(stats?.refused.unproven).to.be.greaterThan(0)
    expect(stats?.closed.pruned).to.be.greaterThan(0)
    expect(daemon?.node.getConnections().length).to.be.at.most(100 + TRIES)
  })

  it('DISCOVER amplification is capped: a 14.5 KB record is refused, and one peer is never sent more than its byte budget', async () => {
    const budget = 256 * 1024
    const burst = 4 * 1024 * 1024
    const point = await serve('--discover-bytes-per-second', String(budget))
    const big = await attacker('127.0.0.2')
    attackers.push(big)
    const refused = await exchange(big.node, point, await registerMessage(big.privateKey, 'amp', manyAddresses(1200)))
    expect(refused.message).to.deep.include({ type: 'REGISTER_RESPONSE', status: Status.E_INVALID_SIGNED_PEER_RECORD })

    // 40 identities register records just under the 4096-byte limit (320 addresses of 12 bytes each)
    for (let i = 0; i < 40; i++) {
      const a = await attacker('127.0.0.2')
      attackers.push(a)
      const { message } = await exchange(a.node, point, await registerMessage(a.privateKey, 'amp', manyAddresses(320)))
      expect(message).to.have.property('status', Status.OK)
    }

    const started = Date.now()
    let received = 0
    let limited = 0
    const amplify = (async () => {
      // bounded: at most 10 s and 2000 requests
      for (let i = 0; i < 2000 && Date.now() - started < 10_000; i++) {
        const { message, bytes } = await exchange(big.node, point, { type: 'DISCOVER', ns: 'amp', limit: 1000 })
        received += bytes
        if (message.type === 'DISCOVER_RESPONSE' && message.status === Status.E_UNAVAILABLE) {
          limited++
        }
      }
    })()
    const ok = await legitimateTries(point, 1500)
    await amplify
    const seconds = (Date.now() - started) / 1000
    expect(ok).to.equal(TRIES)
    expect(limited).to.be.greaterThan(0)
    // never more than the burst plus the rate over the time the attack ran (and one answer's framing)
    expect(received).to.be.at.most(burst + budget * seconds + 64 * 1024)
  })

  it('the global cap holds exactly on LevelDB when 24 new peers race at it, and peers already in keep being served', async () => {
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0', '--store', 'level', '--data-dir', dir, '--max-registrations', '8']))
    const point = daemon.multiaddrs[0]
    const members = await Promise.all(Array.from({ length: 4 }, async () => rawClient()))
    try {
      for (const m of members) {
        expect(await m.register(point, 'capped')).to.have.property('status', Status.OK)
      }
      // each racer from an address of its own: the per-address limits are not what this test is about
      const racers = await Promise.all(Array.from({ length: 24 }, async (_, i) => attacker(`127.0.2.${i + 1}`)))
      attackers.push(...racers)
      const requests = await Promise.all(racers.map(async r => registerMessage(r.privateKey, 'capped', [multiaddr('/ip4/127.0.0.2/tcp/4001')])))
      // every racer connects first, then all REGISTERs go out at once
      await Promise.all(racers.map(async r => r.node.dial(multiaddr(point))))
      const answers = await Promise.all(racers.map(async (r, i) => exchange(r.node, point, requests[i])))
      const statuses = answers.map(a => (a.message as { status: number }).status)
      expect(statuses.filter(s => s === Status.OK)).to.have.length(4)
      expect(statuses.filter(s => s === Status.E_UNAVAILABLE)).to.have.length(20)
      expect(await daemon.store.count()).to.equal(8)
      // members refresh and discover at the cap
      for (const m of members) {
        expect(await m.register(point, 'capped')).to.have.property('status', Status.OK)
        expect(await m.discover(point, 'capped')).to.have.length(8)
      }
    } finally {
      await Promise.all(members.map(async m => m.stop()))
    }
  })
})
