import cluster from 'node:cluster'
import { createServer } from 'node:http'
import { Registry } from 'prom-client'
import { AddressInUseError } from './errors.ts'
import { bindErrorReason } from './port-probe.ts'
import type { MetricsAddress } from './config.ts'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running Prometheus endpoint */
export interface MetricsEndpoint {
  /** The registry libp2p and the rendezvous service record into */
  registry: Registry
  /** `http://<host>:<port>/metrics`, with the port actually bound */
  url: string
  close(): Promise<void>
}

/** Create the registry every metric of one daemon goes to; its own, so daemons in one process stay apart */
export function createMetricsRegistry (): Registry {
  return new Registry()
}

function urlHost (host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/**
 * Serve `registry` as Prometheus text at `GET /metrics` on `address`, with `node:http`. Anything else
 * answers 404 (other paths) or 405 (other methods). Throws {@link AddressInUseError} if the address
 * cannot be bound.
 */
export async function startMetricsEndpoint (address: MetricsAddress, registry: Registry): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n')
      return
    }
    registry.metrics().then(text => {
      res.writeHead(200, { 'content-type': registry.contentType })
      res.end(req.method === 'HEAD' ? undefined : text)
    }, (err: any) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${String(err?.message ?? err)}\n`)
    })
  })
  // scrapes are short; a client that keeps a socket open must not hold up shutdown
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
    throw new AddressInUseError(`cannot serve metrics on ${address.host}:${address.port}: ${bindErrorReason(err)}`, { cause: err })
  }
  const bound = server.address() as AddressInfo

  return {
    registry,
    url: `http://${urlHost(address.host)}:${bound.port}/metrics`,
    close: async () => {
      const closed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
      server.closeAllConnections()
      await closed
    }
  }
}
