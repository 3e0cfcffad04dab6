import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { rendezvous } from '@rendezvous/codec'
import { expect } from 'aegir/chai'
import { NoRawModeError } from '../src/errors.ts'
import { livingChildren } from '../src/json-lines-process.ts'
import { PeerProgram, toClientResult, toRawResult } from '../src/peer-program.ts'
import { ProgramImplementation } from '../src/program-implementation.ts'
import { scriptFolder } from './fixtures/scripts.ts'
import type { DeviationId } from '../src/deviations.ts'
import type { PeerProgramOptions } from '../src/peer-program.ts'
import type { ProgramClientFlags } from '../src/program-implementation.ts'

/**
 * The driver of the foreign peer programs, against stand-in programs (shell scripts that print what
 * go-lrdv and rust-rdv print), so that it is tested without Go or Rust.
 */
describe('PeerProgram', () => {
  const scripts = scriptFolder('interop-program-')

  async function program (name: string, script: string, options: Partial<PeerProgramOptions> = {}): Promise<PeerProgram> {
    return new PeerProgram({ binary: await scripts.write(name, script), startTimeout: 5_000, ...options })
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

/** An adapter of a stand-in program, as go-peer.ts and rust-peer.ts declare theirs */
class StandIn extends ProgramImplementation {
  readonly name = 'stand-in'
  readonly dialect = rendezvous
  readonly serverDeviations = new Set<DeviationId>()
  readonly client = { reads: ['standard'], seals: 'standard', raw: true }
  readonly serverReads = ['standard']

  protected serverArgs (): string[] {
    return ['server', '--listen', '/ip4/127.0.0.1/tcp/0']
  }
}

describe('ProgramImplementation', () => {
  const scripts = scriptFolder('interop-adapter-')

  /** A program whose server is ready at once and whose client modes report their mode and arguments in each op line */
  async function standIn (flags: ProgramClientFlags): Promise<StandIn> {
    const binary = await scripts.write('peer', [
      'if [ "$1" = server ]; then',
      '  echo \'{"event":"ready","peerId":"s","multiaddrs":["/ip4/127.0.0.1/tcp/4001/p2p/s"]}\'; cat > /dev/null; exit 0',
      'fi',
      'echo \'{"event":"ready"}\'',
      'echo \'{"event":"register","ok":true,"ttl":7200,"frame":"00","sent":"\'"$1"\'","statusText":"\'"$1 $4 $5 $6 $7"\'"}\''
    ].join('\n'))
    return new StandIn({ binary, startTimeout: 5_000 }, flags)
  }

  afterEach(() => {
    expect(livingChildren()).to.equal(0, 'a test left a child running')
  })

  it('starts its server mode and runs clients with the key, the server and its timeout flags', async () => {
    const impl = await standIn({ timeout: ms => ['--timeout-ms', String(ms)] })
    try {
      const server = await impl.startServer()
      expect(server).to.include({ implementation: impl, peerId: 's', multiaddr: '/ip4/127.0.0.1/tcp/4001/p2p/s' })
      const key = await generateKeyPair('Ed25519')
      const client = await impl.startClient(server, key)
      const [registered] = await client.run([{ op: 'register', ns: 'a', ttl: 7200 }], { opTimeout: 1_000 })
      expect(registered).to.include({ op: 'register', ok: true, ttl: 7200, statusText: 'client --server /ip4/127.0.0.1/tcp/4001/p2p/s --timeout-ms 1000' })
      const [raw] = await client.raw([{ op: 'frame', hex: '00' }], { opTimeout: 1_000 })
      expect(raw).to.include({ sent: 'raw', frame: '00' })
      await server.stop()
    } finally {
      impl.cleanup()
    }
  })

  it('refuses raw frames with a typed error when the program has no raw mode', async () => {
    const impl = await standIn({ timeout: ms => ['--timeout', `${ms}ms`], noRawMode: 'the stand-in writes only well-formed requests' })
    try {
      const server = await impl.startServer()
      const client = await impl.startClient(server, await generateKeyPair('Ed25519'))
      const err = await client.raw([{ op: 'frame', hex: '00' }], { opTimeout: 1_000 }).catch(e => e)
      expect(err).to.be.an.instanceOf(NoRawModeError).with.property('message', 'the stand-in writes only well-formed requests')
      await server.stop()
    } finally {
      impl.cleanup()
    }
  })
})
