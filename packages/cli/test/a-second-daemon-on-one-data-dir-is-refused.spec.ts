import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { LOOPBACK, spawnDaemon, waitForExit, waitReady } from './fixtures/daemon-process.ts'
import { daemonSuite } from './fixtures/daemon-suite.ts'

describe('the data directory lock', function () {
  this.timeout(60_000)
  const suite = daemonSuite('cli-lock')

  ;['sqlite', 'memory'].forEach(store => {
    it(`refuses a second daemon on the same data directory (${store} store), and frees it on stop`, async () => {
      const args = ['serve', ...LOOPBACK, '--store', store, '--data-dir', join(suite.dir, 'data')]
      const first = spawnDaemon(args, { cwd: suite.dir })
      const { peerId } = await waitReady(first)

      const second = spawnDaemon(args, { cwd: suite.dir })
      expect(await waitForExit(second)).to.deep.equal({ code: 2, signal: null })
      expect(second.stderr()).to.equal(`rendezvous: data dir ${join(suite.dir, 'data')} is in use by another rendezvous daemon (process ${first.child.pid}); stop it or give this one another --data-dir\n`)
      expect(second.stdout()).to.equal('')

      first.child.kill('SIGTERM')
      expect(await waitForExit(first)).to.deep.equal({ code: 0, signal: null })
      expect(await readdir(join(suite.dir, 'data'))).to.not.include('daemon.lock')

      const third = spawnDaemon(args, { cwd: suite.dir })
      expect((await waitReady(third)).peerId).to.equal(peerId)
    })
  })

  /** A daemon on `data` that became ready and then exited on `signal` (SIGKILL leaves its lock file behind) */
  async function stoppedDaemon (data: string, signal: NodeJS.Signals): Promise<void> {
    const daemon = spawnDaemon(['serve', ...LOOPBACK, '--data-dir', data], { cwd: suite.dir })
    await waitReady(daemon)
    daemon.child.kill(signal)
    await waitForExit(daemon)
  }

  it('takes over the lock of a daemon that is gone', async () => {
    const data = join(suite.dir, 'data')
    await stoppedDaemon(data, 'SIGKILL')
    expect(await readdir(data)).to.include('daemon.lock')

    const second = spawnDaemon(['serve', ...LOOPBACK, '--data-dir', data], { cwd: suite.dir })
    await waitReady(second)
  })

  it('takes over a lock file that names no process', async () => {
    const data = join(suite.dir, 'data')
    await stoppedDaemon(data, 'SIGTERM')
    await writeFile(join(data, 'daemon.lock'), 'garbage\n')

    const second = spawnDaemon(['serve', ...LOOPBACK, '--data-dir', data], { cwd: suite.dir })
    await waitReady(second)
  })
})
