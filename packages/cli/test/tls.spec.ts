import { mkdtemp, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { InvalidFlagError, parseConfig, startDaemon, TlsFileError } from '../src/index.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'
import { selfSignedCertificate } from './fixtures/self-signed.ts'
import type { Daemon } from '../src/index.ts'

describe('rendezvous serve --tls-cert --tls-key', function () {
  this.timeout(30_000)
  let daemon: Daemon | undefined

  afterEach(async () => {
    await daemon?.stop()
    daemon = undefined
  })
  // its hooks come after the one above: the daemon stops before its directory is removed
  const suite = daemonSuite('cli-tls')

  it('reads the flags and refuses a wss address without them, one without the other, or them without a wss address', () => {
    const data = ['--data-dir', join(suite.dir, 'data')]
    expect(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/tls/ws', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', ...data]).tls)
      .to.deep.equal({ certFile: 'c.pem', keyFile: 'k.pem' })
    expect(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/wss', ...data], { RENDEZVOUS_TLS_CERT: 'c.pem', RENDEZVOUS_TLS_KEY: 'k.pem' }).tls)
      .to.deep.equal({ certFile: 'c.pem', keyFile: 'k.pem' })
    expect(() => parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/tls/ws', ...data])).to.throw(InvalidFlagError, /--tls-cert and --tls-key/)
    expect(() => parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/tls/ws', '--tls-cert', 'c.pem', ...data])).to.throw(InvalidFlagError, /needs --tls-key/)
    expect(() => parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/ws', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', ...data])).to.throw(InvalidFlagError, /no listen address uses it/)
    expect(() => parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/tls/ws/p2p-circuit', ...data])).to.throw(InvalidFlagError, /cannot listen/)
  })

  it('refuses a key that does not belong to the certificate before writing anything', async () => {
    const one = await selfSignedCertificate(await mkdtemp(join(suite.dir, 'one-')))
    const other = await selfSignedCertificate(await mkdtemp(join(suite.dir, 'other-')))
    const data = join(suite.dir, 'data')
    const config = parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/tls/ws', '--store', 'memory', '--data-dir', data, '--tls-cert', one.certFile, '--tls-key', other.keyFile])
    await expect(startDaemon(config)).to.eventually.be.rejectedWith(TlsFileError, /do not make a TLS certificate/)
    await writeFile(join(suite.dir, 'garbage.pem'), 'not a certificate')
    const garbage = parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/tls/ws', '--store', 'memory', '--data-dir', data, '--tls-cert', join(suite.dir, 'garbage.pem'), '--tls-key', other.keyFile])
    await expect(startDaemon(garbage)).to.eventually.be.rejectedWith(TlsFileError)
    // the data directory was never created
    await expect(stat(data)).to.eventually.be.rejected()
  })

  it('serves WebSocket over TLS with the given certificate', async () => {
    const { certFile, keyFile } = await selfSignedCertificate(suite.dir)
    daemon = await startDaemon(parseConfig(['--listen', '/ip4/127.0.0.1/tcp/0/tls/ws', '--store', 'memory', '--data-dir', join(suite.dir, 'data'), '--tls-cert', certFile, '--tls-key', keyFile]))
    const address = daemon.multiaddrs.find(ma => ma.includes('/tls/ws'))
    expect(address).to.not.equal(undefined)
    const port = Number(multiaddr(address!).getComponents().find(c => c.name === 'tcp')?.value)
    // the TLS handshake presents the daemon's certificate
    const presented = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
        resolve(String(socket.getPeerCertificate().subject.CN))
        socket.destroy()
      })
      socket.once('error', reject)
    })
    expect(presented).to.equal('127.0.0.1')
  })
})
