import { createServer } from 'node:http'
import { listenHttp } from './http-listener.ts'
import { STATUS_PAGE } from './status-page.ts'
import type { MetricsAddress } from './config.ts'
import type { StatusSource } from './point-status.ts'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** A running admin server */
export interface AdminServer {
  /** `http://<host>:<port>/`, with the port actually bound */
  url: string
  close(): Promise<void>
}

// the page loads nothing from elsewhere and runs only its own inline script
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
  'cache-control': 'no-store'
}

function whole (value: string | null, fallback: number): number {
  if (value == null || !/^\d{1,15}$/.test(value)) {
    return fallback
  }
  return Number(value)
}

function json (res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body))
}

async function route (source: StatusSource, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://admin')
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('only GET\n')
    return
  }
  if (url.pathname === '/') {
    res.writeHead(200, PAGE_HEADERS).end(req.method === 'HEAD' ? undefined : STATUS_PAGE)
    return
  }
  if (url.pathname === '/api/status') {
    json(res, 200, await source.status(whole(url.searchParams.get('offset'), 0), whole(url.searchParams.get('limit'), 100)))
    return
  }
  const prefix = '/api/namespaces/'
  if (url.pathname.startsWith(prefix)) {
    let namespace: string
    try {
      namespace = decodeURIComponent(url.pathname.slice(prefix.length))
    } catch {
      json(res, 400, { error: 'the namespace is not percent-encoded UTF-8' })
      return
    }
    json(res, 200, await source.namespace(namespace, whole(url.searchParams.get('after'), 0), whole(url.searchParams.get('limit'), 100)))
    return
  }
  json(res, 404, { error: 'not found: try / (the status page), /api/status or /api/namespaces/<namespace>' })
}

/**
 * Serve the status page at `/` and the JSON status API (`/api/status?offset=&limit=`,
 * `/api/namespaces/<namespace>?after=&limit=`) on `address`, with `node:http`. Read-only: nothing it
 * answers changes the point. Throws {@link AddressInUseError} if the address cannot be bound.
 */
export async function startAdminServer (address: MetricsAddress, source: StatusSource): Promise<AdminServer> {
  const server = createServer((req, res) => {
    route(source, req, res).catch((err: any) => {
      if (!res.headersSent) {
        json(res, 500, { error: String(err?.message ?? err) })
      } else {
        res.destroy()
      }
    })
  })
  const listener = await listenHttp(server, address, 'the admin page')
  return { url: `${listener.origin}/`, close: listener.close }
}
