import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A page server on loopback */
export interface PageServer {
  /** `http://127.0.0.1:<port>/` */
  url: string
  close(): Promise<void>
}

/** The page the tests load: nothing but the bundle, which puts `rendezvousPage` on `globalThis` */
export const TEST_PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>rendezvous browser test</title></head><body><script type="module" src="/page.js"></script></body></html>'

/**
 * Serve a page and its script from memory on 127.0.0.1
 *
 * @param files - path to body; `/` is the HTML page, anything ending in `.js` is served as JavaScript
 */
export async function servePage (files: Record<string, string | Uint8Array>, port = 0): Promise<PageServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    const body = files[path]
    if (body == null) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, {
      'content-type': path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
      'cache-control': 'no-store'
    })
    res.end(body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => { resolve() })
  })
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    }
  }
}
