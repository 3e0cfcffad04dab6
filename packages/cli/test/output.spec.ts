import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { FLAGS } from '../src/index.ts'
import { LOOPBACK, spawnDaemon, spawnListening, waitForExit, waitReady } from './fixtures/daemon-process.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'

describe('rendezvous output', function () {
  this.timeout(30_000)
  const suite = daemonSuite('cli-output')

  it('--json prints one JSON object per line, listening first, then stopping and stopped', async () => {
    const { daemon, ready: first } = await spawnListening(['serve', ...LOOPBACK, '--json', '--store', 'memory'], { cwd: suite.dir })
    expect(Object.keys(first).slice(0, 3)).to.deep.equal(['event', 'peerId', 'multiaddrs'])
    expect(first).to.include({ event: 'listening', store: 'memory', dataDir: join(suite.dir, 'rendezvous-data') })
    expect(first.peerId).to.match(/^12D3KooW/)
    expect(first.protocols).to.deep.equal(['/rendezvous/1.0.0', '/vac/waku/rendezvous/1.0.0', '/vac/waku/rendezvous/0.0.1'])
    expect(first.multiaddrs).to.have.lengthOf(2)
    for (const ma of first.multiaddrs) {
      expect(ma).to.match(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+(/ws)?/p2p/${first.peerId}$`))
    }
    expect(daemon.stdout().split('\n')[0]).to.equal(JSON.stringify(first))

    daemon.child.kill('SIGINT')
    expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
    const lines = daemon.stdout().trimEnd().split('\n').map(line => JSON.parse(line))
    expect(lines.map(l => l.event)).to.deep.equal(['listening', 'stopping', 'stopped'])
    expect(lines[1]).to.include({ signal: 'SIGINT' })
    expect(daemon.stderr()).to.equal('')
  })

  it('RENDEZVOUS_JSON=1 does the same as --json', async () => {
    const daemon = spawnDaemon(['serve', ...LOOPBACK, '--store', 'memory'], { cwd: suite.dir, env: { RENDEZVOUS_JSON: '1' } })
    expect(JSON.parse(await daemon.waitFor(/"event":"listening"/))).to.have.property('peerId')
  })

  it('prints the peer ID and every multiaddr with /p2p/<peer id> on lines of their own for people', async () => {
    const daemon = spawnDaemon(['serve', ...LOOPBACK], { cwd: suite.dir })
    const { peerId, multiaddrs } = await waitReady(daemon)
    expect(peerId).to.match(/^12D3KooW/)
    expect(multiaddrs).to.have.lengthOf(2)
    expect(multiaddrs.every(ma => ma.endsWith(`/p2p/${peerId}`))).to.equal(true)
    expect(daemon.stdout()).to.include(`store: sqlite at ${join(suite.dir, 'rendezvous-data', 'registrations.sqlite')}`)
  })

  it('--help lists every flag with its variable and exits 0', async () => {
    const daemon = spawnDaemon(['--help'], { cwd: suite.dir })
    expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
    for (const flag of FLAGS) {
      expect(daemon.stdout()).to.include(`--${flag.name}`)
      if (flag.env != null) {
        expect(daemon.stdout()).to.include(flag.env)
      }
    }
  })

  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url.replace('/dist/test/', '/test/')), 'utf8'))
    const daemon = spawnDaemon(['--version'], { cwd: suite.dir })
    expect(await waitForExit(daemon)).to.deep.equal({ code: 0, signal: null })
    expect(daemon.stdout()).to.equal(`${pkg.version}\n`)
  })
})
