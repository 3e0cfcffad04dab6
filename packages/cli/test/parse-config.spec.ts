import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { FLAGS, InvalidFlagError, parseCommandLine, parseConfig, runCli } from '../src/index.ts'

const CWD = '/srv/rendezvous'

/** The configuration without flags or variables, run from {@link CWD} */
const DEFAULTS = {
  listen: ['/ip4/0.0.0.0/tcp/8000', '/ip4/0.0.0.0/tcp/8001/ws'],
  store: 'sqlite',
  workers: 1,
  dataDir: '/srv/rendezvous/rendezvous-data',
  dialects: ['rendezvous/1.0.0', 'waku/1.0.0', 'waku/0.0.1'],
  minTtl: 7200,
  maxTtl: 259200,
  defaultTtl: 7200,
  maxRegistrationsPerPeer: 1000,
  maxRegistrations: 1_000_000,
  maxDiscoverLimit: 1000,
  maxConnections: 4096,
  connectionRatePerIp: 50,
  handshakeTimeout: 5,
  maxHandshakesPerIp: 8,
  maxIdleConnectionsPerIp: 8,
  idleConnectionTimeout: 30,
  maxRecordBytes: 4096,
  discoverBytesPerSecond: 1048576,
  peerStoreLimit: 100_000,
  warmUp: 2000,
  announce: [],
  logLevel: 'info',
  json: false
}

interface Captured {
  stdout: { write(text: string): boolean }
  stderr: { write(text: string): boolean }
  out(): string
  err(): string
}

/** Collects what runCli writes */
function capture (): Captured {
  let out = ''
  let err = ''
  return {
    stdout: { write: (text: string) => { out += text; return true } },
    stderr: { write: (text: string) => { err += text; return true } },
    out: () => out,
    err: () => err
  }
}

describe('flags and environment', () => {
  it('defaults to SQLite in ./rendezvous-data, TCP 8000 and WebSocket 8001 on all interfaces, both dialects', () => {
    expect(parseConfig([], {}, CWD)).to.deep.equal(DEFAULTS)
  })

  it('reads every flag', () => {
    const config = parseConfig([
      'serve',
      '--listen', '/ip4/127.0.0.1/tcp/9000', '--listen', '/ip6/::1/tcp/9001/ws,/ip4/127.0.0.1/tcp/0',
      '--store', 'level',
      '--data-dir', 'state',
      '--dialect', '/vac/waku/rendezvous/0.0.1',
      '--min-ttl', '60s', '--max-ttl', '1d', '--default-ttl', '30m',
      '--max-registrations-per-peer', '10',
      '--max-registrations', '500',
      '--max-discover-limit', '50',
      '--max-connections', '100',
      '--connection-rate-per-ip', '5',
      '--handshake-timeout', '2s', '--max-handshakes-per-ip', '3', '--max-idle-connections-per-ip', '4',
      '--idle-connection-timeout', '1m', '--max-record-bytes', '2048', '--discover-bytes-per-second', '65536',
      '--peer-store-limit', '5000',
      '--warm-up', '0',
      '--metrics', '[::1]:9090',
      '--announce', '/dns4/rdv.example.org/tcp/443/wss', '--announce', '/ip4/203.0.113.7/tcp/8000',
      '--log-level', 'debug',
      '--admin', '127.0.0.1:8002',
      '--json'
    ], {}, CWD)
    expect(config).to.deep.equal({
      listen: ['/ip4/127.0.0.1/tcp/9000', '/ip6/::1/tcp/9001/ws', '/ip4/127.0.0.1/tcp/0'],
      store: 'level',
      workers: 1,
      dataDir: '/srv/rendezvous/state',
      dialects: ['waku/0.0.1'],
      minTtl: 60,
      maxTtl: 86400,
      defaultTtl: 1800,
      maxRegistrationsPerPeer: 10,
      maxRegistrations: 500,
      maxDiscoverLimit: 50,
      maxConnections: 100,
      connectionRatePerIp: 5,
      handshakeTimeout: 2,
      maxHandshakesPerIp: 3,
      maxIdleConnectionsPerIp: 4,
      idleConnectionTimeout: 60,
      maxRecordBytes: 2048,
      discoverBytesPerSecond: 65536,
      peerStoreLimit: 5000,
      warmUp: 0,
      metrics: { host: '::1', port: 9090 },
      announce: ['/dns4/rdv.example.org/tcp/443/wss', '/ip4/203.0.113.7/tcp/8000'],
      logLevel: 'debug',
      admin: { host: '127.0.0.1', port: 8002 },
      json: true
    })
  })

  it('reads every RENDEZVOUS_* variable, and a flag wins over its variable', () => {
    const env = {
      RENDEZVOUS_LISTEN: '/ip4/127.0.0.1/tcp/7000, /ip4/127.0.0.1/tcp/7001/ws',
      RENDEZVOUS_STORE: 'memory',
      RENDEZVOUS_DATA_DIR: '/var/lib/rendezvous',
      RENDEZVOUS_DIALECT: 'rendezvous/1.0.0',
      RENDEZVOUS_MIN_TTL: '60',
      RENDEZVOUS_MAX_TTL: '3600',
      RENDEZVOUS_DEFAULT_TTL: '120',
      RENDEZVOUS_MAX_REGISTRATIONS_PER_PEER: '5',
      RENDEZVOUS_MAX_REGISTRATIONS: '6',
      RENDEZVOUS_MAX_DISCOVER_LIMIT: '7',
      RENDEZVOUS_MAX_CONNECTIONS: '8',
      RENDEZVOUS_CONNECTION_RATE_PER_IP: '9',
      RENDEZVOUS_PEER_STORE_LIMIT: '10',
      RENDEZVOUS_WARM_UP: '200',
      RENDEZVOUS_METRICS: 'localhost:9100',
      RENDEZVOUS_ANNOUNCE: '/ip4/203.0.113.7/tcp/8000',
      RENDEZVOUS_LOG_LEVEL: 'warn',
      RENDEZVOUS_ADMIN: '[::1]:8002',
      RENDEZVOUS_JSON: 'true'
    }
    // what no variable here sets stays as it is by default
    expect(parseConfig([], env, CWD)).to.deep.equal({
      ...DEFAULTS,
      listen: ['/ip4/127.0.0.1/tcp/7000', '/ip4/127.0.0.1/tcp/7001/ws'],
      store: 'memory',
      dataDir: '/var/lib/rendezvous',
      dialects: ['rendezvous/1.0.0'],
      minTtl: 60,
      maxTtl: 3600,
      defaultTtl: 120,
      maxRegistrationsPerPeer: 5,
      maxRegistrations: 6,
      maxDiscoverLimit: 7,
      maxConnections: 8,
      connectionRatePerIp: 9,
      peerStoreLimit: 10,
      warmUp: 200,
      metrics: { host: 'localhost', port: 9100 },
      announce: ['/ip4/203.0.113.7/tcp/8000'],
      logLevel: 'warn',
      admin: { host: '::1', port: 8002 },
      json: true
    })
    const overridden = parseConfig(['--store', 'level', '--listen', '/ip4/127.0.0.1/tcp/1'], env, CWD)
    expect(overridden.store).to.equal('level')
    expect(overridden.listen).to.deep.equal(['/ip4/127.0.0.1/tcp/1'])
  })

  it('documents a variable for every flag but --help and --version', () => {
    for (const flag of FLAGS) {
      if (flag.name === 'help' || flag.name === 'version') {
        expect(flag.env).to.equal(undefined)
      } else {
        expect(flag.env).to.equal(`RENDEZVOUS_${flag.name.toUpperCase().replaceAll('-', '_')}`)
      }
    }
  })

  it('treats an empty variable as unset', () => {
    expect(parseConfig([], { RENDEZVOUS_STORE: '', RENDEZVOUS_JSON: ' ' }, CWD)).to.include({ store: 'sqlite', json: false })
  })

  it('keeps the default TTL inside a window given without one', () => {
    expect(parseConfig(['--min-ttl', '60', '--max-ttl', '600'], {}, CWD)).to.include({ minTtl: 60, maxTtl: 600, defaultTtl: 600 })
    expect(parseConfig(['--min-ttl', '3h'], {}, CWD)).to.include({ minTtl: 10800, defaultTtl: 10800 })
  })

  it('lets IPv4 and IPv6 wildcards share a port, as libp2p binds IPv6 only to IPv6', () => {
    expect(parseConfig(['--listen', '/ip4/0.0.0.0/tcp/8000,/ip6/::/tcp/8000'], {}, CWD).listen).to.deep.equal(['/ip4/0.0.0.0/tcp/8000', '/ip6/::/tcp/8000'])
  })

  it('accepts protocol IDs as dialect names and drops repeats', () => {
    expect(parseConfig(['--dialect', '/rendezvous/1.0.0,waku/0.0.1', '--dialect', 'rendezvous/1.0.0'], {}, CWD).dialects).to.deep.equal(['rendezvous/1.0.0', 'waku/0.0.1'])
    expect(parseConfig(['--dialect', '/vac/waku/rendezvous/1.0.0'], {}, CWD).dialects).to.deep.equal(['waku/1.0.0'])
  })

  it('refuses the bare name `waku`, which two dialects could claim', () => {
    expect(() => parseConfig(['--dialect', 'waku'], {}, CWD)).to.throw(/unknown dialect 'waku'; use one of rendezvous\/1.0.0/)
  })

  it('parses help, version and serve commands', () => {
    expect(parseCommandLine(['--help'])).to.deep.equal({ command: 'help' })
    expect(parseCommandLine(['serve', '-h'])).to.deep.equal({ command: 'help' })
    expect(parseCommandLine(['help'])).to.deep.equal({ command: 'help' })
    expect(parseCommandLine(['-V'])).to.deep.equal({ command: 'version' })
    expect(parseCommandLine(['version'])).to.deep.equal({ command: 'version' })
    expect(parseCommandLine(['serve', '--store', 'memory']).command).to.equal('serve')
    // a flag's value that happens to read "serve" is not the command
    const parsed = parseCommandLine(['serve', '--data-dir', 'serve'])
    expect(parsed.command === 'serve' && parsed.config.dataDir.endsWith('/serve')).to.equal(true)
  })

  const bad: Array<{ argv: string[], env?: Record<string, string>, message: RegExp }> = [
    { argv: [], message: /no command given/ },
    { argv: ['start'], message: /unknown command 'start'/ },
    { argv: ['serve', 'now'], message: /unexpected argument 'now'/ },
    { argv: ['serve', '--bogus'], message: /unknown flag --bogus; see --help$/ },
    { argv: ['serve', '-x'], message: /unknown flag -x; see --help$/ },
    { argv: ['serve', '--listen'], message: /--listen needs a value; see --help$/ },
    { argv: ['serve', '--json=yes'], message: /--json takes no value; see --help$/ },
    { argv: ['status', '--listen', '/ip4/127.0.0.1/tcp/1'], message: /unknown flag --listen; see --help$/ },
    { argv: ['status', '--admin', 'nowhere'], message: /--admin: 'nowhere' is not host:port/ },
    { argv: ['serve', '--announce', 'example.org'], message: /--announce: 'example.org' is not a multiaddr/ },
    { argv: ['serve', '--log-level', 'verbose'], message: /--log-level: unknown level 'verbose'; use error, warn, info, debug/ },
    { argv: ['serve', '--admin', '8002'], message: /--admin: '8002' is not host:port/ },
    { argv: ['serve', '--listen', 'not-a-multiaddr'], message: /--listen: 'not-a-multiaddr' is not a multiaddr/ },
    { argv: ['serve', '--listen', '/ip4/127.0.0.1/udp/9000/quic-v1'], message: /--listen: cannot listen on '\/ip4\/127.0.0.1\/udp\/9000\/quic-v1'/ },
    { argv: ['serve', '--listen', '/dns4/example.com/tcp/9000'], message: /--listen: cannot listen on/ },
    { argv: ['serve', '--listen', '/ip4/127.0.0.1/tcp/9000/wss'], message: /--listen: '\/ip4\/127.0.0.1\/tcp\/9000\/wss' is a secure WebSocket address; give its certificate and key with --tls-cert and --tls-key/ },
    { argv: ['serve', '--listen', '/ip4/0.0.0.0/tcp/9000', '--listen', '/ip4/127.0.0.1/tcp/9000/ws'], message: /would both listen on TCP port 9000/ },
    { argv: ['serve', '--listen', '/ip6/::/tcp/9000,/ip6/::1/tcp/9000/ws'], message: /would both listen on TCP port 9000/ },
    { argv: ['serve', '--store', 'postgres'], message: /--store postgres needs --database-url/ },
    { argv: ['serve', '--dialect', 'kademlia'], message: /--dialect: unknown dialect 'kademlia'/ },
    { argv: ['serve', '--dialect', ','], message: /--dialect: no dialect given/ },
    { argv: ['serve', '--min-ttl', 'soon'], message: /--min-ttl: 'soon' is not a duration/ },
    { argv: ['serve', '--max-ttl', '0'], message: /--max-ttl: '0' is out of range/ },
    { argv: ['serve', '--default-ttl', '-5'], message: /--default-ttl/ },
    { argv: ['serve', '--min-ttl', '2h', '--max-ttl', '1h'], message: /--min-ttl \(7200s\) is above --max-ttl \(3600s\)/ },
    { argv: ['serve', '--default-ttl', '1m'], message: /--default-ttl \(60s\) is outside the window/ },
    { argv: ['serve', '--max-registrations-per-peer', '1.5'], message: /--max-registrations-per-peer: '1.5' is not a whole number/ },
    { argv: ['serve', '--max-registrations', '0'], message: /--max-registrations: '0' is out of range/ },
    { argv: ['serve', '--max-discover-limit', '99999999999999999999'], message: /--max-discover-limit: .* is out of range/ },
    { argv: ['serve', '--metrics', '9090'], message: /--metrics: '9090' is not host:port/ },
    { argv: ['serve', '--metrics', '127.0.0.1:70000'], message: /--metrics: port 70000/ },
    { argv: ['serve'], env: { RENDEZVOUS_STORE: 'redis' }, message: /RENDEZVOUS_STORE \(--store\): unknown store 'redis'/ },
    { argv: ['serve'], env: { RENDEZVOUS_JSON: 'maybe' }, message: /RENDEZVOUS_JSON \(--json\): 'maybe' is not a boolean/ },
    { argv: ['serve'], env: { RENDEZVOUS_LISTEN: '/ip4/1.2.3.4/udp/1' }, message: /RENDEZVOUS_LISTEN \(--listen\): cannot listen on/ },
    { argv: ['serve'], env: { RENDEZVOUS_MAX_TTL: '1 week' }, message: /RENDEZVOUS_MAX_TTL \(--max-ttl\): '1 week' is not a duration/ }
  ]

  for (const { argv, env, message } of bad) {
    const label = [...Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`), ...argv].join(' ')
    it(`refuses \`${label}\` with a typed error, a one-line message and exit code 2, writing nothing`, async () => {
      expect(() => parseCommandLine(argv, env)).to.throw(InvalidFlagError).with.property('message').that.matches(message)

      const dir = await mkdtemp(join(tmpdir(), 'rendezvous-flags-'))
      const cwd = process.cwd()
      try {
        process.chdir(dir)
        const io = capture()
        const code = await runCli(argv, env ?? {}, io)
        expect(code).to.equal(2)
        expect(io.out()).to.equal('')
        const lines = io.err().split('\n')
        expect(lines).to.have.lengthOf(2)
        expect(lines[1]).to.equal('')
        expect(lines[0]).to.match(/^rendezvous: /).and.match(message)
        expect(await readdir(dir)).to.deep.equal([])
      } finally {
        process.chdir(cwd)
        await rm(dir, { recursive: true, force: true })
      }
    })
  }

  it('reports a bad flag as a JSON line when --json is among the flags', async () => {
    const io = capture()
    expect(await runCli(['serve', '--json', '--store', 'nope'], {}, io)).to.equal(2)
    const lines = io.err().trim().split('\n')
    expect(lines).to.have.lengthOf(1)
    expect(JSON.parse(lines[0])).to.include({ event: 'error', error: 'InvalidFlagError' })
  })
})
