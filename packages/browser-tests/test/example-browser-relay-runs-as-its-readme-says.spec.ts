import { fileURLToPath } from 'node:url'
import { startProcess } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import { launchChromium } from '../src/index.ts'
import type { LaunchedChromium } from '../src/index.ts'
import type { TestProcess } from '@rendezvous/test-utils'

const EXAMPLE = fileURLToPath(new URL('../../../examples/browser-relay/', import.meta.url))

/** Start `node serve.js` as the README says (any free ports), and resolve the page address it prints */
async function startExample (): Promise<{ server: TestProcess, url: string }> {
  const server = startProcess(['serve.js', '--http-port', '0', '--tcp-port', '0', '--ws-port', '0'], { cwd: EXAMPLE, stdin: 'ignore' })
  const open = /open (http:\/\/127\.0\.0\.1:\d+\/)/
  return { server, url: open.exec(await server.waitForLine(open, 60_000))?.[1] ?? '' }
}

describe('examples/browser-relay runs as its README says', function () {
  this.timeout(120_000)
  let example: Awaited<ReturnType<typeof startExample>> | undefined
  let chromium: LaunchedChromium | undefined

  after(async () => {
    await chromium?.close()
    await example?.server.stop('SIGTERM')
  })

  it('serves the page and a point with a relay; two tabs find each other, connect over WebRTC and chat', async () => {
    example = await startExample()
    chromium = await launchChromium()
    const [alice, bob] = [await chromium.context.newPage(), await chromium.context.newPage()]
    for (const tab of [alice, bob]) {
      await tab.goto(example.url)
    }
    for (const tab of [alice, bob]) {
      await tab.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 60_000 })
    }
    const aliceId = await alice.textContent('#self')
    const bobId = await bob.textContent('#self')
    // each tab lists the other, connected directly; if not, the failure shows both tabs' logs
    try {
      await alice.waitForSelector(`#peers li[data-peer="${bobId ?? ''}"][data-path="webrtc"]`, { timeout: 60_000 })
      await bob.waitForSelector(`#peers li[data-peer="${aliceId ?? ''}"][data-path="webrtc"]`, { timeout: 60_000 })
    } catch (err: any) {
      const logs = await Promise.all([alice, bob].map(async tab => (await tab.locator('#log li').allTextContents()).join(' | ')))
      throw new Error(`${String(err.message)}\nalice: ${logs[0]}\nbob: ${logs[1]}`)
    }

    await alice.fill('#message', 'hello bob')
    await alice.click('#send')
    const line = await bob.waitForSelector('#log li:has-text("hello bob")', { timeout: 60_000 })
    expect(await line.textContent()).to.equal(`<${(aliceId ?? '').slice(-8)}> hello bob (webrtc)`)

    // Ctrl-C (SIGTERM here) stops it cleanly
    expect((await example.server.stop('SIGTERM')).code).to.equal(0)
  })
})
