import { killAll, startProcess, waitFor } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import type { TestProcess } from '@rendezvous/test-utils'

const EXAMPLE = new URL('../', import.meta.url)
// the `rendezvous` bin as this package's dependency installs it
const RENDEZVOUS = new URL('../node_modules/@rendezvous/cli/bin/rendezvous.js', import.meta.url).pathname
const TOPIC = 'rendezvous-chat'

/** `rendezvous serve` as the README's terminal 1 runs it, on free loopback ports; its TCP address and status API */
async function startPoint (): Promise<{ point: TestProcess, address: string, admin: string }> {
  const point = startProcess([RENDEZVOUS, 'serve', '--listen', '/ip4/127.0.0.1/tcp/0', '--admin', '127.0.0.1:0', '--data-dir', 'rendezvous-data'], { cwd: await scratchDir() })
  await point.waitForLine(/^ready$/, 30_000)
  const address = point.stdout().split('\n').map(line => line.trim()).find(line => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(line))
  const admin = /status page: (http:\/\/\S+)/.exec(point.stdout())?.[1]
  expect(address, 'the point prints its TCP address').to.be.a('string')
  expect(admin, 'the point prints its status page').to.be.a('string')
  return { point, address: String(address), admin: String(admin).replace(/\/$/, '') }
}

async function scratchDir (): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  return mkdtemp(join(tmpdir(), 'chat-example-'))
}

/** How many registrations the point's status API lists under the chat topic */
async function registered (admin: string): Promise<number> {
  const response = await fetch(`${admin}/api/namespaces/${TOPIC}`)
  const body = await response.json()
  return body.registrations.length
}

/** `node chat.js <point> --name <name>` as terminals 2 to 4 run it (a short interval, as the README's run) */
function startChat (address: string, name: string): TestProcess {
  return startProcess(['chat.js', address, '--name', name, '--interval', '500'], { cwd: EXAMPLE })
}

describe('examples/gossipsub-discovery runs as its README says', function () {
  this.timeout(120_000)

  after(async () => { await killAll() })

  it('three chat nodes given only the point\'s address find each other, chat, and leave no ghost', async () => {
    const { point, address, admin } = await startPoint()
    const names = ['alice', 'bob', 'carol']
    const chats = names.map(name => startChat(address, name))
    const ids = await Promise.all(chats.map(async chat => /\((12D3KooW\w+)\) listening on/.exec(await chat.waitForLine(/listening on/, 30_000))?.[1] ?? ''))

    for (const [i, chat] of chats.entries()) {
      await chat.waitForLine(new RegExp(`^\\* registered under "${TOPIC}" at \\S+ for 7200 s$`), 30_000)
      for (const [j, other] of ids.entries()) {
        if (i !== j) {
          await chat.waitForLine(new RegExp(`^\\* discovered ${other}$`), 30_000)
          await chat.waitForLine(new RegExp(`^\\* connected to ${other} `), 30_000)
        }
      }
    }
    expect(await registered(admin)).to.equal(3)

    // a line typed in alice's terminal appears in the two others; gossipsub needs its mesh first, so alice
    // types again until bob has the line (bounded: 30 tries, one a second at most)
    const [alice, bob, carol] = chats
    const heard = bob.waitForLine(/^<alice> hello$/, 40_000)
    let said = 0
    let bobHeard = false
    void heard.then(() => { bobHeard = true }, () => {})
    while (!bobHeard && said < 30) {
      alice.write('hello\n')
      said++
      await Promise.race([heard.catch(() => {}), new Promise(resolve => setTimeout(resolve, 1000))])
    }
    await heard
    await carol.waitForLine(/^<alice> hello$/, 10_000)

    // Ctrl-C in carol's terminal: she unregisters before she exits, and the point lists two at once
    const exit = await carol.stop('SIGINT')
    expect(exit.code).to.equal(0)
    expect(carol.stdout()).to.match(new RegExp(`^\\* unregistered from "${TOPIC}" at \\S+: nobody will discover this node there any more$`, 'm'))
    await waitFor(async () => await registered(admin) === 2, { timeout: 10_000, what: 'the point to list two registrations after carol left' })

    for (const chat of [alice, bob]) {
      expect((await chat.stop('SIGINT')).code).to.equal(0)
    }
    expect((await point.stop('SIGINT')).code).to.equal(0)
  })
})
