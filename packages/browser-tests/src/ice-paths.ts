/**
 * Which ICE candidate pair each WebRTC connection of a page runs on: the test checks that the direct path
 * is made of host candidates of this machine, with no STUN or TURN server in between
 */
/** The candidate pair a WebRTC connection of this page runs on, from `RTCPeerConnection.getStats()` */
export interface IcePath {
  connectionState: RTCPeerConnectionState
  /** `host`, `srflx`, `prflx` or `relay` (TURN) */
  localType?: string
  localAddress?: string
  remoteType?: string
  remoteAddress?: string
  protocol?: string
}

/** Every RTCPeerConnection the page made, so that the test can ask which path each one took */
const peerConnections: RTCPeerConnection[] = []
const NativePeerConnection = globalThis.RTCPeerConnection
if (NativePeerConnection != null) {
  globalThis.RTCPeerConnection = class extends NativePeerConnection {
    constructor (configuration?: RTCConfiguration) {
      super(configuration)
      peerConnections.push(this)
    }
  }
}

async function icePathOf (pc: RTCPeerConnection): Promise<IcePath> {
  const stats = await pc.getStats()
  const all = [...stats.values()] as any[]
  const transport = all.find(s => s.type === 'transport')
  const pair = all.find(s => s.type === 'candidate-pair' && s.id === transport?.selectedCandidatePairId) ??
    all.find(s => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded')
  const local = stats.get(pair?.localCandidateId)
  const remote = stats.get(pair?.remoteCandidateId)
  return {
    connectionState: pc.connectionState,
    localType: local?.candidateType,
    localAddress: local?.address,
    remoteType: remote?.candidateType,
    remoteAddress: remote?.address,
    protocol: local?.protocol
  }
}

/** The ICE paths of the page's connected RTCPeerConnections */
export async function icePaths (): Promise<IcePath[]> {
  return Promise.all(peerConnections.filter(pc => pc.connectionState === 'connected').map(icePathOf))
}
