import { noise } from '@chainsafe/libp2p-noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import type { ServiceMap } from '@libp2p/interface'
import type { Libp2p, Libp2pOptions } from 'libp2p'

/**
 * A libp2p node as the tests run them: TCP on 127.0.0.1 with an ephemeral port, Noise, Yamux, and a
 * connection manager that lets a test open many connections from one address in a burst. Anything in
 * `options` (services, a private key, other addresses) is laid over these defaults.
 */
export async function startNode<T extends ServiceMap = ServiceMap> (options: Libp2pOptions<T> = {}): Promise<Libp2p<T>> {
  return createLibp2p<T>({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...options,
    connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 100, ...options.connectionManager }
  })
}

/** Stop everything started, ignoring what never started */
export async function stopAll (...nodes: Array<{ stop(): void | Promise<void> } | undefined>): Promise<void> {
  await Promise.all(nodes.map(async n => n?.stop()))
}
