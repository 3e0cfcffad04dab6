/**
 * @packageDocumentation
 *
 * What the Chromium tests (and `examples/browser-relay`) need on both sides of a page:
 *
 * - in the page, {@link BrowserNode}: a js-libp2p node with WebSockets, circuit relay v2 and WebRTC and the
 * rendezvous client, which finds relays in a namespace at its point, registers its `/p2p-circuit`
 * addresses, and reaches other peers over WebRTC or the relay; `src/page.ts` is the bundle entry that
 * puts it on `globalThis.rendezvousPage`;
 * - in Node, {@link bundlePage} (esbuild, browser platform), {@link servePage} (loopback HTTP) and
 * {@link launchChromium} (playwright-core driving Debian's `/usr/bin/chromium`, never a download).
 */

export { BrowserNode, startBrowserNode } from './browser-node.ts'
export type { BrowserNodeInit, RelayInfo, ReachedPeer } from './browser-node.ts'
export { ChatInbox, sendChat } from './chat.ts'
export type { ReceivedChat } from './chat.ts'
export { pathOf } from './path.ts'
export type { PeerPath, ConnectionRecord } from './path.ts'
export type { RendezvousPage } from './page.ts'
export { bundlePage } from './bundle.ts'
export { servePage, TEST_PAGE } from './page-server.ts'
export type { PageServer } from './page-server.ts'
export { launchChromium } from './chromium.ts'
export type { LaunchedChromium, LaunchChromiumOptions } from './chromium.ts'
export { NoRelayFoundError, NotReachableError, ChatTooLongError, ChromiumMissingError } from './errors.ts'
export { CHAT_PROTOCOL, MAX_CHAT_BYTES, REPLY_PREFIX, DEFAULT_CHROMIUM, CHROMIUM_ARGS } from './constants.ts'
