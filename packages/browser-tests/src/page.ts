/**
 * The entry point of the page bundle: one {@link BrowserNode} per page, driven by the test (or the example's
 * buttons) through `globalThis.rendezvousPage`. Every answer is plain data, so that Playwright can carry it
 * out of the page.
 */
// first: it wraps RTCPeerConnection before @libp2p/webrtc takes its reference to it at load time
import { icePaths } from './ice-paths.ts'
// eslint-disable-next-line import/order
import { startBrowserNode } from './browser-node.ts'
import type { BrowserNode, BrowserNodeInit, ReachedPeer, RelayInfo } from './browser-node.ts'
import type { ReceivedChat } from './chat.ts'
import type { IcePath } from './ice-paths.ts'
import type { ConnectionRecord } from './path.ts'

/** What the page offers the test */
export interface RendezvousPage {
  start(init: BrowserNodeInit): Promise<string>
  findRelay(namespace: string): Promise<RelayInfo>
  waitForReservation(): Promise<string[]>
  discover(namespace: string): Promise<Array<{ peerId: string, addresses: string[] }>>
  register(namespace: string, ttl?: number): Promise<string[]>
  reach(namespace: string, preferWebRTC?: boolean): Promise<ReachedPeer>
  chat(peerId: string, text: string): Promise<string>
  waitForMessages(count: number, timeout: number): Promise<ReceivedChat[]>
  connections(): ConnectionRecord[]
  openConnections(): ConnectionRecord[]
  icePaths(): Promise<IcePath[]>
  stop(): Promise<void>
}

let current: BrowserNode | undefined

function node (): BrowserNode {
  if (current == null) {
    throw new Error('call start() first')
  }
  return current
}

const page: RendezvousPage = {
  async start (init) {
    await current?.stop()
    current = await startBrowserNode(init)
    return current.peerId
  },
  async findRelay (namespace) {
    return node().findRelay(namespace)
  },
  async discover (namespace) {
    return node().discover(namespace)
  },
  async waitForReservation () {
    return node().waitForReservation()
  },
  async register (namespace, ttl) {
    return node().register(namespace, ttl)
  },
  async reach (namespace, preferWebRTC) {
    return node().reach(namespace, preferWebRTC)
  },
  async chat (peerId, text) {
    return node().chat(peerId, text)
  },
  async waitForMessages (count, timeout) {
    return [...await node().inbox.waitFor(count, AbortSignal.timeout(timeout))]
  },
  connections () {
    return [...node().connections]
  },
  openConnections () {
    const open = node().node.getConnections()
    return node().connections.filter(record => open.some(c => c.remoteAddr.toString() === record.remoteAddr && c.status === 'open'))
  },
  async icePaths () {
    return icePaths()
  },
  async stop () {
    await current?.stop()
    current = undefined
  }
}

;(globalThis as unknown as { rendezvousPage: RendezvousPage }).rendezvousPage = page
