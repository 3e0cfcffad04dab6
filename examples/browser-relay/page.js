// The chat page: a js-libp2p node in the browser that knows one thing, the rendezvous point's WebSocket
// address (from /config.json). Everything else it finds at the point.
import { noise } from '@chainsafe/libp2p-noise'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { rendezvousClient } from '@rendezvous/client'
import { createLibp2p } from 'libp2p'

const CHAT_PROTOCOL = '/rendezvous-example/chat/1.0.0'
const POLL_INTERVAL = 2000
const $ = (id) => document.getElementById(id)
const short = (peerId) => peerId.toString().slice(-8)
const status = (text) => { $('status').textContent = text }

const config = await (await fetch('/config.json')).json()

const node = await createLibp2p({
  // '/p2p-circuit': take a reservation on a relay we connect to; '/webrtc': accept WebRTC connections
  // signalled through that relay
  addresses: { listen: ['/p2p-circuit', '/webrtc'] },
  transports: [
    webSockets(),
    circuitRelayTransport(),
    // no STUN server: both tabs are on this machine, host candidates are enough
    webRTC({ rtcConfiguration: { iceServers: [] } })
  ],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  // browsers refuse private addresses and plain ws by default, and the point is on ws://127.0.0.1
  connectionGater: { denyDialMultiaddr: () => false },
  // a WebRTC dial (ICE over the relay, then DTLS and Noise) can take longer than libp2p's 6 s per address
  connectionManager: { dialTimeout: 30_000, addressDialTimeout: 20_000 },
  services: {
    identify: identify(),
    rendezvous: rendezvousClient({
      points: [config.point],
      // other browsers can reach this one only through the relay (and WebRTC signalled over it)
      addressFilter: (ma) => ma.toString().includes('/p2p-circuit')
    })
  }
})
$('self').textContent = node.peerId.toString()

/** The connection a peer is best talked to on: a direct (WebRTC) one over a relayed one */
function bestConnection (peerId) {
  const open = node.getConnections(peerId).filter(c => c.status === 'open')
  return open.find(c => c.limits == null) ?? open[0]
}

function pathOf (connection) {
  const address = connection.remoteAddr.toString()
  return address.includes('/webrtc') ? 'webrtc' : address.includes('/p2p-circuit') ? 'relay' : 'direct'
}

function log (text) {
  const li = document.createElement('li')
  li.textContent = text
  $('log').append(li)
}

// chat peers: those found under the chat namespace
const chatPeers = new Map()

function showPeers () {
  $('peers').replaceChildren(...[...chatPeers.keys()].map(id => {
    const connection = bestConnection(chatPeers.get(id).peerId)
    const li = document.createElement('li')
    li.dataset.peer = id
    li.dataset.path = connection == null ? 'none' : pathOf(connection)
    li.textContent = `${short(id)}${connection == null ? ' (not connected)' : ''}`
    return li
  }))
}
node.addEventListener('connection:open', showPeers)
node.addEventListener('connection:close', showPeers)

// one message per stream: read it to the end and show it with the path it came over
await node.handle(CHAT_PROTOCOL, async (stream, connection) => {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of stream) {
    text += decoder.decode(chunk.subarray(), { stream: true })
  }
  log(`<${short(connection.remotePeer)}> ${text} (${pathOf(connection)})`)
  await stream.close()
}, { runOnLimitedConnection: true })

$('chat').addEventListener('submit', (evt) => {
  evt.preventDefault()
  const text = $('message').value
  $('message').value = ''
  for (const { peerId } of chatPeers.values()) {
    const connection = bestConnection(peerId)
    if (connection == null) {
      continue
    }
    void (async () => {
      const stream = await connection.newStream(CHAT_PROTOCOL, { runOnLimitedConnection: true })
      stream.send(new TextEncoder().encode(text))
      await stream.close()
    })().catch(err => { log(`* could not send to ${short(peerId)}: ${err.message}`) })
  }
  log(`<me> ${text}`)
})

// 1. relays: the point lists them under the well-known relay namespace; connect to one
status('finding a relay at the point')
const { registrations: relays } = await node.services.rendezvous.discover(config.relayNamespace)
for (const relay of relays) {
  const ws = relay.multiaddrs.filter(ma => ma.toString().includes('/ws')).map(ma => ma.encapsulate(`/p2p/${relay.peerId}`))
  try {
    await node.dial(ws)
    log(`* connected to relay ${short(relay.peerId)}`)
    break
  } catch (err) {
    log(`* relay ${short(relay.peerId)} unreachable: ${err.message}`)
  }
}

// 2. the reservation: the node's /p2p-circuit addresses appear once the relay granted it, and its
// /p2p-circuit/webrtc ones right after (possibly in a later update)
status('waiting for a reservation on the relay')
await new Promise(resolve => {
  const check = () => {
    if (node.getMultiaddrs().some(ma => ma.toString().includes('/p2p-circuit/webrtc'))) {
      node.removeEventListener('self:peer:update', check)
      resolve()
    }
  }
  node.addEventListener('self:peer:update', check)
  check()
})

// 3. be found: register the relayed addresses under the chat namespace (kept alive by the client)
await node.services.rendezvous.register(config.chatNamespace)
window.addEventListener('pagehide', () => { void node.services.rendezvous.unregister(config.chatNamespace) })
status('ready')

// 4. find the others and connect: WebRTC first (signalled over the relay), the relay if that fails. Of two
// tabs, the one with the smaller peer ID dials, so that they do not start two WebRTC sessions at once; a
// failed or relayed peer is tried again after RETRY_INTERVAL
const RETRY_INTERVAL = 10_000
const self = node.peerId.toString()
const lastTried = new Map()

async function connect (registration) {
  const id = registration.peerId.toString()
  const webrtc = registration.multiaddrs.filter(ma => ma.toString().includes('/webrtc'))
  const relayed = registration.multiaddrs.filter(ma => !ma.toString().includes('/webrtc'))
  const connected = bestConnection(registration.peerId) != null
  for (const address of connected ? webrtc : [...webrtc, ...relayed]) {
    try {
      const connection = await node.dial(multiaddr(address).encapsulate(`/p2p/${id}`))
      log(`* connected to ${short(id)} (${pathOf(connection)})`)
      return
    } catch (err) {
      log(`* ${short(id)} via ${address.toString().includes('/webrtc') ? 'WebRTC' : 'the relay'}: ${err.message}`)
    }
  }
}

async function poll () {
  const { registrations } = await node.services.rendezvous.discover(config.chatNamespace)
  for (const registration of registrations) {
    const id = registration.peerId.toString()
    if (id === self) {
      continue
    }
    chatPeers.set(id, registration)
    const connection = bestConnection(registration.peerId)
    const due = Date.now() - (lastTried.get(id) ?? 0) >= RETRY_INTERVAL
    if (id < self || (connection != null && pathOf(connection) === 'webrtc') || !due) {
      continue
    }
    lastTried.set(id, Date.now())
    await connect(registration)
  }
  showPeers()
}
for (;;) {
  await poll().catch(err => { log(`* discovery failed: ${err.message}`) })
  await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL))
}
