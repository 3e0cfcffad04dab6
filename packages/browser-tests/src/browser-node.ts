import { noise } from '@chainsafe/libp2p-noise'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { rendezvousClient } from '@rendezvous/client'
import { createLibp2p } from 'libp2p'
import { ChatInbox, sendChat } from './chat.ts'
import { CHAT_PROTOCOL } from './constants.ts'
import { NoRelayFoundError, NotReachableError } from './errors.ts'
import { pathOf } from './path.ts'
import type { ConnectionRecord, PeerPath } from './path.ts'
import type { Identify } from '@libp2p/identify'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { RendezvousClient, DiscoveredRegistration } from '@rendezvous/client'

/** Options of {@link startBrowserNode} */
export interface BrowserNodeInit {
  /** The rendezvous point's WebSocket multiaddr, ending in `/p2p/<peer id>`; it may be a `/p2p-circuit` address */
  point: string
  /** Also listen for WebRTC connections signalled over the relay (default true) */
  webrtc?: boolean
  /**
   * ICE servers for WebRTC (default none: on one machine the host candidates are enough, and a test must
   * not reach out to a public STUN server)
   */
  iceServers?: RTCIceServer[]
  /** Milliseconds each step may take (default 20 000) */
  timeout?: number
}

/** What a browser node found in a relay namespace and where it holds its reservation */
export interface RelayInfo {
  /** The relay's peer ID */
  relay: string
  /** How many relays the namespace listed */
  listed: number
  /** This node's `/p2p-circuit` addresses through that relay */
  circuitAddresses: string[]
}

/** A peer found in an application namespace and the connection made to it */
export interface ReachedPeer {
  peerId: string
  /** The addresses its registration carried */
  addresses: string[]
  /** How the connection that carries the chat runs */
  path: PeerPath
  /** That connection's remote address */
  remoteAddr: string
  /** Why WebRTC was not had, when the peer registered a WebRTC address but the connection runs over the relay */
  webrtcError?: string
}

/**
 * A libp2p node for a browser page: WebSockets to reach the point and relays, circuit relay v2 to be
 * reachable behind a relay, WebRTC for direct browser-to-browser connections signalled over the relay,
 * and the rendezvous client.
 */
export class BrowserNode {
  readonly node: Libp2p<{ identify: Identify, rendezvous: RendezvousClient }>
  readonly inbox: ChatInbox
  /** Every connection this node opened or accepted, in order */
  readonly connections: ConnectionRecord[] = []
  private readonly timeout: number
  private readonly webrtc: boolean

  constructor (node: Libp2p<{ identify: Identify, rendezvous: RendezvousClient }>, inbox: ChatInbox, timeout: number, webrtc: boolean) {
    this.node = node
    this.inbox = inbox
    this.timeout = timeout
    this.webrtc = webrtc
    node.addEventListener('connection:open', (evt) => {
      const connection = evt.detail
      this.connections.push({
        peerId: connection.remotePeer.toString(),
        remoteAddr: connection.remoteAddr.toString(),
        direction: connection.direction,
        path: pathOf(connection),
        limited: connection.limits != null
      })
    })
  }

  get peerId (): string {
    return this.node.peerId.toString()
  }

  /** This node's `/p2p-circuit` addresses (WebRTC ones included) */
  circuitAddresses (): string[] {
    return this.node.getMultiaddrs().map(ma => ma.toString()).filter(ma => ma.includes('/p2p-circuit'))
  }

  /**
   * Discover relays registered under `namespace` at the point, dial the first one that answers and wait
   * until this node holds a reservation on it (its `/p2p-circuit` addresses appear)
   *
   * @throws {NoRelayFoundError} when the namespace lists no relay this node can reach
   */
  async findRelay (namespace: string): Promise<RelayInfo> {
    const signal = AbortSignal.timeout(this.timeout)
    const { registrations } = await this.node.services.rendezvous.discover(namespace, { signal })
    const reached = new Map<string, Multiaddr[]>()
    for (const registration of registrations) {
      const dialable = registration.multiaddrs.filter(ma => ma.toString().includes('/ws'))
      if (dialable.length === 0) {
        continue
      }
      try {
        await this.node.dial(dialable.map(ma => withPeer(ma, registration.peerId)), { signal })
        reached.set(registration.peerId.toString(), dialable)
        break
      } catch {
        // the next relay, if any
      }
    }
    const [relay] = [...reached.keys()]
    if (relay == null) {
      throw new NoRelayFoundError(`none of the ${registrations.length} relays under "${namespace}" could be reached`)
    }
    const circuitAddresses = await this.waitForCircuitAddresses(relay, signal)
    return { relay, listed: registrations.length, circuitAddresses }
  }

  /** The peers registered under `namespace` at the point: their peer IDs and addresses */
  async discover (namespace: string): Promise<Array<{ peerId: string, addresses: string[] }>> {
    const { registrations } = await this.node.services.rendezvous.discover(namespace, { signal: AbortSignal.timeout(this.timeout) })
    return registrations.map(r => ({ peerId: r.peerId.toString(), addresses: r.multiaddrs.map(ma => ma.toString()) }))
  }

  /**
   * Register this node's `/p2p-circuit` addresses (the relay ones and, with WebRTC, the WebRTC ones) under
   * `namespace`; resolves the addresses the registration carries
   */
  async register (namespace: string, ttl?: number): Promise<string[]> {
    const outcomes = await this.node.services.rendezvous.register(namespace, { signal: AbortSignal.timeout(this.timeout), ...(ttl != null ? { ttl } : {}) })
    const failed = outcomes.find(o => o.error != null)
    if (failed?.error != null) {
      throw failed.error
    }
    return this.circuitAddresses()
  }

  /**
   * Discover the peers under `namespace` other than this one, and connect to the first one found: over
   * WebRTC when it registered a WebRTC address and `preferWebRTC` is set, over the relay otherwise
   *
   * @throws {NotReachableError} when no other peer is registered or none can be reached
   */
  async reach (namespace: string, preferWebRTC = true): Promise<ReachedPeer> {
    const signal = AbortSignal.timeout(this.timeout)
    const { registrations } = await this.node.services.rendezvous.discover(namespace, { signal })
    const others = registrations.filter(r => !r.peerId.equals(this.node.peerId))
    const errors: string[] = []
    for (const other of others) {
      try {
        return await this.connect(other, preferWebRTC, signal)
      } catch (err: any) {
        errors.push(`${other.peerId.toString()}: ${err.message}`)
      }
    }
    throw new NotReachableError(`no peer under "${namespace}" could be reached (${others.length} listed) ${errors.join('; ')}`)
  }

  /** Send one chat message to a connected peer and resolve its reply */
  async chat (peerId: string, text: string): Promise<string> {
    const open = this.node.getConnections().filter(c => c.remotePeer.toString() === peerId && c.status === 'open')
    // a direct connection (WebRTC) when there is one: the relayed one that carried its signalling is limited
    const connection = open.find(c => c.limits == null) ?? open[0]
    if (connection == null) {
      throw new NotReachableError(`no open connection to ${peerId}`)
    }
    return sendChat(connection, text, AbortSignal.timeout(this.timeout))
  }

  async stop (): Promise<void> {
    await this.node.stop()
  }

  private async connect (other: DiscoveredRegistration, preferWebRTC: boolean, signal: AbortSignal): Promise<ReachedPeer> {
    const addresses = other.multiaddrs.map(ma => ma.toString())
    const webrtcAddrs = other.multiaddrs.filter(ma => ma.toString().includes('/webrtc'))
    const relayAddrs = other.multiaddrs.filter(ma => !ma.toString().includes('/webrtc') && ma.toString().includes('/p2p-circuit'))
    const attempts = preferWebRTC ? [...webrtcAddrs, ...relayAddrs] : relayAddrs
    let lastError: Error | undefined
    let webrtcError: string | undefined
    for (const address of attempts) {
      try {
        const connection = await this.node.dial(withPeer(address, other.peerId), { signal })
        return {
          peerId: other.peerId.toString(),
          addresses,
          path: pathOf(connection),
          remoteAddr: connection.remoteAddr.toString(),
          ...(webrtcError != null && pathOf(connection) !== 'webrtc' ? { webrtcError } : {})
        }
      } catch (err: any) {
        lastError = err
        if (address.toString().includes('/webrtc')) {
          webrtcError = `${address.toString()}: ${String(err.message)}`
        }
      }
    }
    throw lastError ?? new NotReachableError(`${other.peerId.toString()} registered no address this node can dial`)
  }

  /** Resolve this node's `/p2p-circuit` addresses once it holds a reservation on any relay it is connected to */
  async waitForReservation (): Promise<string[]> {
    return this.waitForCircuitAddresses(undefined, AbortSignal.timeout(this.timeout))
  }

  private async waitForCircuitAddresses (relay: string | undefined, signal: AbortSignal): Promise<string[]> {
    const through = (): string[] => this.circuitAddresses().filter(ma => relay == null || ma.includes(`/p2p/${relay}/p2p-circuit`))
    // with WebRTC, the /webrtc addresses follow the relayed ones, possibly in a later address update
    const ready = (found: string[]): boolean => found.length > 0 && (!this.webrtc || found.some(ma => ma.includes('/webrtc')))
    if (ready(through())) {
      return through()
    }
    return new Promise((resolve, reject) => {
      const onUpdate = (): void => {
        const found = through()
        if (ready(found)) {
          cleanup()
          resolve(found)
        }
      }
      const onAbort = (): void => {
        cleanup()
        reject(new NoRelayFoundError(`no reservation on ${relay ?? 'any relay'}: ${String(signal.reason?.message ?? signal.reason)}`))
      }
      const cleanup = (): void => {
        this.node.removeEventListener('self:peer:update', onUpdate)
        signal.removeEventListener('abort', onAbort)
      }
      this.node.addEventListener('self:peer:update', onUpdate)
      signal.addEventListener('abort', onAbort)
    })
  }
}

function withPeer (address: Multiaddr, peerId: PeerId): Multiaddr {
  return address.getComponents().at(-1)?.name === 'p2p' ? address : address.encapsulate(`/p2p/${peerId.toString()}`)
}

/**
 * Start a browser node that knows one rendezvous point. It listens on `/p2p-circuit` (a reservation on
 * any relay it connects to) and, unless `webrtc` is false, on `/webrtc`.
 */
export async function startBrowserNode (init: BrowserNodeInit): Promise<BrowserNode> {
  const webrtc = init.webrtc ?? true
  const inbox = new ChatInbox()
  const node = await createLibp2p({
    addresses: { listen: webrtc ? ['/p2p-circuit', '/webrtc'] : ['/p2p-circuit'] },
    transports: [
      webSockets(),
      circuitRelayTransport(),
      ...(webrtc ? [webRTC({ rtcConfiguration: { iceServers: init.iceServers ?? [] } })] : [])
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // browsers refuse private addresses and plain ws by default; the point, the relay and the other page
    // are on loopback
    connectionGater: { denyDialMultiaddr: () => false },
    // a WebRTC dial is an ICE exchange over the relay, then DTLS and Noise: on a loaded machine it can take
    // longer than libp2p's default of 6 s for one address
    connectionManager: { dialTimeout: 30_000, addressDialTimeout: 20_000 },
    services: {
      identify: identify(),
      rendezvous: rendezvousClient({
        points: [multiaddr(init.point)],
        // a browser cannot be dialled on any address but a relayed one
        addressFilter: (ma) => ma.toString().includes('/p2p-circuit')
      })
    }
  })
  await node.handle(CHAT_PROTOCOL, (stream, connection) => { void inbox.serve(stream, connection) }, { runOnLimitedConnection: true })
  return new BrowserNode(node, inbox, init.timeout ?? 20_000, webrtc)
}
