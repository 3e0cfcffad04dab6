import type { Connection } from '@libp2p/interface'

/**
 * How a connection runs: `webrtc` is a direct browser-to-browser connection, `relay` goes through a circuit
 * relay (a limited connection), `direct` is any other transport (WebSockets, TCP)
 */
export type PeerPath = 'webrtc' | 'relay' | 'direct'

/** One connection as a page records it, for the test to read */
export interface ConnectionRecord {
  peerId: string
  remoteAddr: string
  direction: 'inbound' | 'outbound'
  path: PeerPath
  /** Whether the relay put limits (duration, data) on it */
  limited: boolean
}

/** The path of a connection, from its remote address */
export function pathOf (connection: Pick<Connection, 'remoteAddr'>): PeerPath {
  const protocols = connection.remoteAddr.getComponents().map(c => c.name)
  if (protocols.includes('webrtc')) {
    return 'webrtc'
  }
  return protocols.includes('p2p-circuit') ? 'relay' : 'direct'
}
