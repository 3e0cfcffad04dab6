import cluster from 'node:cluster'
import { AddressInUseError } from './errors.ts'
import { bindErrorReason } from './port-probe.ts'
import type { MetricsAddress } from './config.ts'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An HTTP server of the daemon (the admin page, the metrics endpoint), listening */
export interface HttpListener {
  /** `http://<host>:<bound port>` with an IPv6 host in brackets, no trailing slash */
  origin: string
  close(): Promise<void>
}

/**
 * Listen with `server` on `address`; `what` names the service in the {@link AddressInUseError} thrown when the
 * address cannot be bound. A browser tab or a scraper that keeps a socket open must not hold up shutdown, so
 * idle sockets close after a second and `close()` closes every connection.
 */
export async function listenHttp (server: Server, address: MetricsAddress, what: string): Promise<HttpListener> {
  server.keepAliveTimeout = 1000
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      // the workers of --workers N share the port through the cluster's primary, as they share libp2p's
      server.listen({ host: address.host, port: address.port, exclusive: !cluster.isWorker }, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err: any) {
    throw new AddressInUseError(`cannot serve ${what} on ${address.host}:${address.port}: ${bindErrorReason(err)}`, { cause: err })
  }
  const bound = server.address() as AddressInfo
  return {
    origin: `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${bound.port}`,
    close: async () => {
      const closed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
      server.closeAllConnections()
      await closed
    }
  }
}
