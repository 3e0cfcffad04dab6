import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { livingChildren } from '../src/json-lines-process.ts'
import { PeerProgram, toClientResult, toRawResult } from '../src/peer-program.ts'
import type { PeerProgramOptions } from '../src/peer-program.ts'

/**
 * The driver of the foreign peer programs, against stand-in programs (shell scripts that print what
 * go-lrdv and rust-rdv print), so that it is tested without Go or Rust.
 */
describe('PeerProgram', () => {
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'interop-program-'))
  })

  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function program (name: string, script: string, options: Partial<PeerProgramOptions> = {}): Promise<PeerProgram> {
    const file = join(dir, name)
    await writeFile(file, `#!/bin/sh\n${script}\n`)
    await chmod(file, 0o755)
    return new PeerProgram({ binary: file, startTimeout: 5_000, ...options })
  }

  it('returns one line per op, in order, skipping what is not an op line', async () => {
    const client = await program('client', [
      'echo \'{"event":"ready","role":"client","peerId":"p"}\'',
      'echo \'{"event":"register","ns":"a","ok":true,"ttl":7200}\'',
      'echo \'{"event":"log","text":"not an op"}\'',
      'echo \'{"event":"discover","ns":"a","ok":true,"registrations":[{"peerId":"p","ns":"a","ttl":7199,"envelope":"0a"}],"cookie":"00ff","skipped":1}\'',
      'echo \'{"event":"done"}\''
    ].join('\n'))
    const events = await client.runToEnd(['client'], 5_000, 2)
    expect(events.map(e => e.event)).to.deep.equal(['register', 'discover'])
    expect(toClientResult({ op: 'register', ns: 'a' }, events[0])).to.include({ ok: true, ttl: 7200 })
    expect(toClientResult({ op: 'discover', ns: 'a' }, events[1])).to.deep.include({
      ok: true, cookie: '00ff', skipped: 1, registrations: [{ peerId: 'p', ns: 'a', ttl: 7199, envelope: '0a' }]
    })
  })

  it('says why a client did not start, with its error line', async () => {
    const failing = await program('failing', 'echo \'{"event":"error","message":"connect: refused"}\'; exit 1')
    const err = await failing.runToEnd(['client'], 5_000, 1).catch(e => e)
    expect(err.message).to.include('did not start').and.include('connect: refused')
  })

  it('says when a client reported fewer ops than it was given', async () => {
    const short = await program('short', 'echo \'{"event":"ready"}\'; echo \'{"event":"register","ok":true}\'')
    const err = await short.runToEnd(['client'], 5_000, 2).catch(e => e)
    expect(err.message).to.include('reported 1 of 2 ops')
  })

  it('starts a server on its ready line and stops it by closing its stdin', async () => {
    const server = await program('server', 'echo \'{"event":"ready","peerId":"s","multiaddrs":["/ip6/::1/tcp/1/p2p/s","/ip4/127.0.0.1/tcp/4001/p2p/s"]}\'; cat > /dev/null')
    const running = await server.startServer(['server'])
    expect(running).to.include({ peerId: 's', multiaddr: '/ip4/127.0.0.1/tcp/4001/p2p/s' })
    await running.stop()
    expect(livingChildren()).to.equal(0)
  })

  it('says why a server did not start, with its error line', async () => {
    const failing = await program('bad-server', 'echo \'{"event":"error","message":"--store must be memory, sqlite or postgres"}\'; exit 2')
    const err = await failing.startServer(['server']).catch(e => e)
    expect(err.message).to.include('did not start').and.include('--store must be memory')
    expect(livingChildren()).to.equal(0)
  })

  it('runs a server in the folder it is given, with its pid and every line it printed until it stopped', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'interop-program-cwd-'))
    try {
      const server = await program('stats-server', [
        // the last line comes as it stops (the bench's servers print their counters then)
        'trap \'echo "{\\"event\\":\\"stats\\"}"; exit 0\' TERM',
        'echo "{\\"event\\":\\"ready\\",\\"cwd\\":\\"$(pwd)\\",\\"pid\\":$$,\\"multiaddrs\\":[\\"/ip4/127.0.0.1/tcp/4001/p2p/s\\"]}"',
        'while :; do sleep 0.05; done'
      ].join('\n'), { cwd, stopGrace: 5_000 })
      const running = await server.startServer(['server'])
      expect(running.events[0]).to.include({ cwd, pid: running.pid })
      await running.stop()
      expect(running.events.map(e => e.event)).to.deep.equal(['ready', 'stats'])
    } finally {
      await rm(cwd, { recursive: true, force: true })
    }
  })

  it('maps a raw line that ended without an answer', () => {
    expect(toRawResult({ event: 'frame', ok: false, streamEnd: 'reset', error: 'stream reset' })).to.deep.equal({
      sent: undefined, envelope: undefined, frame: undefined, end: 'reset', error: 'stream reset'
    })
  })
})
