/**
 * The stream handler option the workspace's libp2p patch reads (docs/upstream.md, section 6): `false` keeps
 * libp2p from recording in its peer store that the peer of an inbound stream speaks the handler's protocol.
 * A libp2p without the patch ignores it.
 */
declare module '@libp2p/interface' {
  interface StreamHandlerOptions {
    recordInboundProtocol?: boolean
  }
}

export {}
