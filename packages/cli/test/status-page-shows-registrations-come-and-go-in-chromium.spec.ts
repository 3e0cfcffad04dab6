import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { launchChromium } from './fixtures/chromium.ts'
import { clientNode } from './fixtures/client-node.ts'
import { killAll, LOOPBACK, spawnDaemon } from './fixtures/daemon-process.ts'
import { rawClient } from './fixtures/raw-client.ts'
import type { Browser } from './fixtures/chromium.ts'
import type { ClientNode } from './fixtures/client-node.ts'
import type { RawClient } from './fixtures/raw-client.ts'
import type { Page } from 'playwright-core'

/** Wait until the page shows `expected` for `namespace` (it refreshes itself once a second) */
async function waitForCount (page: Page, namespace: string, expected: string | null, timeout = 15_000): Promise<void> {
  await page.waitForFunction(([ns, want]) => {
    const row = [...document.querySelectorAll<HTMLTableRowElement>('#namespaces tbody tr')].find(r => r.dataset.namespace === ns)
    return (row == null ? null : row.cells[1].textContent) === want
  }, [namespace, expected] as const, { timeout, polling: 100 })
}

describe('the status page (--admin) in Chromium', function () {
  this.timeout(90_000)

  let dir: string
  let browser: Browser | undefined
  const raws: RawClient[] = []
  const clients: ClientNode[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendezvous-status-page-'))
  })

  afterEach(async () => {
    await browser?.close()
    browser = undefined
    await Promise.all([...raws.splice(0), ...clients.splice(0)].map(async c => { await c.stop() }))
    await killAll()
    await rm(dir, { recursive: true, force: true })
  })

  it('shows registrations appearing, unregistering and expiring, and a namespace\'s peers', async () => {
    // a 1 s minimum TTL lets a registration expire while the page is watched
    const daemon = spawnDaemon(['serve', ...LOOPBACK, '--json', '--store', 'sqlite', '--admin', '127.0.0.1:0', '--min-ttl', '1', '--default-ttl', '2h'], { cwd: dir })
    const ready = JSON.parse(await daemon.waitFor(/"event":"listening"/))
    expect(ready.admin).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const point: string = ready.multiaddrs[0]

    browser = await launchChromium()
    const page = await browser.context.newPage()
    await page.goto(ready.admin)
    await page.waitForFunction(() => document.getElementById('state')?.textContent?.startsWith('live') === true, null, { timeout: 15_000 })
    expect(await page.textContent('#peer-id')).to.equal(ready.peerId)
    expect(await page.isVisible('#no-namespaces')).to.equal(true)
    expect(await page.textContent('#registrations')).to.equal('0')

    // two peers come to the lobby, one to a namespace that lives for 3 s
    const alice = await rawClient()
    const bob = await clientNode([point])
    raws.push(alice)
    clients.push(bob)
    expect(await alice.register(point, 'chat/lobby', { ttl: 7200 })).to.include({ status: 0 })
    expect((await bob.services.rendezvous.register('chat/lobby', { ttl: 7200 }))[0].error).to.equal(undefined)
    expect(await alice.register(point, 'chat/ephemeral', { ttl: 3 })).to.include({ status: 0 })

    await waitForCount(page, 'chat/lobby', '2')
    await waitForCount(page, 'chat/ephemeral', '1')
    expect(await page.isVisible('#no-namespaces')).to.equal(false)
    expect(await page.textContent('#registrations')).to.equal('3')
    // the biggest namespace first
    expect(await page.$$eval('#namespaces tbody tr', rows => rows.map(r => (r as HTMLTableRowElement).dataset.namespace))).to.deep.equal(['chat/lobby', 'chat/ephemeral'])

    // a click shows who is registered, with addresses and what is left of the TTL
    await page.click('#namespaces tbody tr[data-namespace="chat/lobby"] button')
    await page.waitForFunction(() => document.querySelectorAll('#registrations-table tbody tr').length === 2, null, { timeout: 10_000 })
    expect(await page.textContent('#detail-namespace')).to.equal('chat/lobby')
    const peers = await page.$$eval('#registrations-table tbody tr', rows => rows.map(r => (r as HTMLTableRowElement).dataset.peerId))
    expect(peers.sort()).to.deep.equal([alice.peerId, bob.peerId.toString()].sort())
    const detail = await page.innerText('#registrations-table')
    expect(detail).to.match(/\/ip4\/127\.0\.0\.1\/tcp\/\d+/)
    expect(detail).to.match(/standard/)
    expect(detail).to.match(/(119|120) min|1 h 59 min|2 h 0 min/)

    // bob leaves: UNREGISTER
    await bob.services.rendezvous.unregister('chat/lobby')
    await waitForCount(page, 'chat/lobby', '1')
    await page.waitForFunction(() => document.querySelectorAll('#registrations-table tbody tr').length === 1, null, { timeout: 10_000 })

    // the 3 s registration expires on its own
    await waitForCount(page, 'chat/ephemeral', null)
    expect(await page.textContent('#registrations')).to.equal('1')
    expect(await page.innerText('#namespaces')).to.not.include('chat/ephemeral')

    // a namespace chosen by a peer is shown as text, never run as markup
    expect(await alice.register(point, '<img src=x onerror="document.title=1">', { ttl: 7200 })).to.include({ status: 0 })
    await waitForCount(page, '<img src=x onerror="document.title=1">', '1')
    expect(await page.$$('#namespaces img')).to.have.lengthOf(0)

    // the point goes away: the page says so instead of showing stale numbers as live
    daemon.child.kill('SIGTERM')
    await daemon.exited
    await page.waitForFunction(() => document.getElementById('state')?.textContent?.startsWith('cannot reach') === true, null, { timeout: 10_000 })
  })
})
