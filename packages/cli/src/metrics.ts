import { createServer } from 'node:http'
import { Registry } from 'prom-client'
import { listenHttp } from './http-listener.ts'
import type { MetricsAddress } from './config.ts'
import type { Server } from 'node:http'

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
  const listener = await listenHttp(server, address, 'metrics')
  return { registry, url: `${listener.origin}/metrics`, close: listener.close }
}
