#!/usr/bin/env node
// One command for the whole example: a rendezvous point that is also a circuit relay (the daemon of
// packages/cli with --relay, WebSocket for the browsers), and a web server on loopback for the chat page.
// Open the printed address in two tabs: each page finds the relay at the point, registers behind it,
// finds the other page, connects to it over WebRTC and chats.
//
//   node serve.js [--http-port 8080] [--tcp-port 8000] [--ws-port 8001] [--namespace browser-relay-chat]

import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseConfig, RELAY_NAMESPACE, startDaemon } from '@rendezvous/cli'
import { build } from 'esbuild'

const { values } = parseArgs({
  options: {
    'http-port': { type: 'string', default: '8080' },
    'tcp-port': { type: 'string', default: '8000' },
    'ws-port': { type: 'string', default: '8001' },
    namespace: { type: 'string', default: 'browser-relay-chat' }
  }
})

// the page script is bundled for the browser at every start; nothing built is committed
const bundle = await build({
  entryPoints: [new URL('./page.js', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  logLevel: 'error'
})
const html = await readFile(new URL('./index.html', import.meta.url))

const dataDir = await mkdtemp(join(tmpdir(), 'rendezvous-browser-relay-'))
const daemon = await startDaemon(parseConfig([
  'serve',
  '--listen', `/ip4/127.0.0.1/tcp/${values['tcp-port']},/ip4/127.0.0.1/tcp/${values['ws-port']}/ws`,
  '--store', 'memory',
  '--data-dir', dataDir,
  '--relay'
], {}))
const point = daemon.multiaddrs.find(ma => ma.includes('/ws/'))

// what the page needs to know: where the point is and which namespaces to use
const config = JSON.stringify({ point, relayNamespace: RELAY_NAMESPACE, chatNamespace: values.namespace })
const files = {
  '/': ['text/html; charset=utf-8', html],
  '/page.js': ['text/javascript; charset=utf-8', bundle.outputFiles[0].contents],
  '/config.json': ['application/json', config]
}
const server = createServer((req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://127.0.0.1').pathname]
  if (file == null) {
    res.writeHead(404).end()
    return
  }
  res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1])
})
await new Promise((resolve, reject) => {
  server.once('error', reject)
  server.listen(Number(values['http-port']), '127.0.0.1', resolve)
})

process.stdout.write(`rendezvous point and relay ${daemon.peerId}\n`)
for (const address of daemon.multiaddrs) {
  process.stdout.write(`  ${address}\n`)
}
process.stdout.write(`open http://127.0.0.1:${server.address().port}/ in two browser tabs\n`)

let stopping = false
async function stop () {
  if (stopping) {
    return
  }
  stopping = true
  server.closeAllConnections()
  server.close()
  await daemon.stop()
  await rm(dataDir, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGINT', () => { void stop() })
process.on('SIGTERM', () => { void stop() })
