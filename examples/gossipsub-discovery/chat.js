#!/usr/bin/env node
// A chat node that knows one thing: the address of a rendezvous point. It registers under the chat
// topic, finds the other chat nodes there, connects to them, and gossipsub carries the messages.
//
//   node chat.js <point multiaddr> [--topic <topic>] [--name <name>] [--port <port>]

import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { rendezvousClient, rendezvousDiscovery } from '@rendezvous/client'
import { createLibp2p } from 'libp2p'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    topic: { type: 'string', default: 'rendezvous-chat' },
    name: { type: 'string' },
    port: { type: 'string', default: '0' },
    interval: { type: 'string', default: '5000' }
  }
})

if (positionals.length === 0) {
  process.stderr.write('usage: node chat.js <point multiaddr, ending in /p2p/...> [--topic t] [--name n] [--port p]\n')
  process.exit(2)
}

const topic = values.topic
const node = await createLibp2p({
  addresses: { listen: [`/ip4/127.0.0.1/tcp/${values.port}`] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  // the only way this node learns about other chat nodes
  peerDiscovery: [rendezvousDiscovery({ namespaces: [topic], interval: Number(values.interval), targetConnections: 6 })],
  services: {
    identify: identify(),
    pubsub: gossipsub({ emitSelf: false }),
    rendezvous: rendezvousClient({ points: positionals })
  }
})

const name = values.name ?? node.peerId.toString().slice(-6)
const encoder = new TextEncoder()
const decoder = new TextDecoder()

node.services.rendezvous.addEventListener('registration', (evt) => {
  process.stdout.write(`* registered under "${topic}" at ${evt.detail.point} for ${evt.detail.ttl} s\n`)
})
node.services.rendezvous.addEventListener('registration:error', (evt) => {
  process.stdout.write(`* registration at ${evt.detail.point} failed: ${evt.detail.error.message} (will retry)\n`)
})
node.addEventListener('peer:discovery', (evt) => {
  process.stdout.write(`* discovered ${evt.detail.id}\n`)
})
node.addEventListener('peer:connect', (evt) => {
  process.stdout.write(`* connected to ${evt.detail} (${node.getPeers().length} peers)\n`)
})
node.services.pubsub.addEventListener('message', (evt) => {
  if (evt.detail.topic === topic) {
    process.stdout.write(`${decoder.decode(evt.detail.data)}\n`)
  }
})

node.services.pubsub.subscribe(topic)
process.stdout.write(`${name} (${node.peerId}) listening on ${node.getMultiaddrs().map(String).join(', ')}\n`)
process.stdout.write(`type a line and press enter to send it to "${topic}"\n`)

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (line.trim() === '') {
    return
  }
  node.services.pubsub.publish(topic, encoder.encode(`<${name}> ${line}`)).catch((err) => {
    process.stdout.write(`* not sent: ${err.message} (no chat peer connected yet?)\n`)
  })
})

let stopping = false
async function shutdown () {
  if (stopping) {
    return
  }
  stopping = true
  lines.close()
  const registered = node.services.rendezvous.getRegistrations().filter(r => r.ttl != null)
  // stopping sends UNREGISTER to every point that granted a registration (at most 2 s), so the other
  // chat nodes do not keep discovering a peer that is gone until its TTL runs out
  await node.stop()
  for (const r of registered) {
    process.stdout.write(`* unregistered from "${r.namespace}" at ${r.point}: nobody will discover this node there any more\n`)
  }
  process.exit(0)
}
lines.on('close', () => { void shutdown() })
process.on('SIGINT', () => { void shutdown() })
process.on('SIGTERM', () => { void shutdown() })
