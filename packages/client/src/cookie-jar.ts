import { Status } from '@rendezvous/codec'
import { MAX_DISCOVER_PAGES } from './constants.ts'
import { RendezvousStatusError } from './errors.ts'
import type { Point } from './point.ts'
import type { DiscoveredRegistration } from './verify.ts'
import type { AbortOptions } from '@libp2p/interface'

/** One DISCOVER page as the jar pages through them */
export interface Page {
  registrations: DiscoveredRegistration[]
  /** The cookie to go on with; absent when the point gave none */
  cookie?: Uint8Array
  /** Registrations in the response before verification: only an empty page proves the end */
  received: number
}

/** Asks a point for one page after `cookie` */
export type PageFetcher = (options: { limit: number, cookie?: Uint8Array } & AbortOptions) => Promise<Page>

/** How to page */
export interface PagingOptions extends AbortOptions {
  /** Registrations per page */
  limit: number
  /** Start after the cookie the last paging of this namespace at this point ended with */
  resume: boolean
}

/**
 * The cookie jar: pages through a namespace at a point with cookies, and keeps the last cookie per (point,
 * namespace), so that paging again with `resume` yields only what was registered since.
 */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, Uint8Array>>()

  /**
   * Every registration of `namespace` at `point`, page by page, until a page comes back empty or without a
   * new cookie (0.0.1 has no cookies: one page). A point that forgot the cookie (E_INVALID_COOKIE after a
   * restart) is asked again from the start.
   */
  async * pages (point: Point, namespace: string, options: PagingOptions, fetch: PageFetcher): AsyncGenerator<DiscoveredRegistration, void, undefined> {
    let cookie = options.resume ? this.cookies.get(point.key)?.get(namespace) : undefined

    // bounded, so a point that keeps answering cannot hold the caller forever
    for (let page = 0; page < MAX_DISCOVER_PAGES; page++) {
      let result: Page
      try {
        result = await fetch({ limit: options.limit, cookie, signal: options.signal })
      } catch (err: any) {
        if (err instanceof RendezvousStatusError && err.status === Status.E_INVALID_COOKIE && cookie != null) {
          this.cookies.get(point.key)?.delete(namespace)
          cookie = undefined
          continue
        }
        throw err
      }
      if (result.cookie != null) {
        this.keep(point, namespace, result.cookie)
      }
      yield * result.registrations
      // a short page is not proof of the end: the point may cap the limit below ours. Only an empty page
      // is, or a point that gives no (new) cookie to go on with
      if (point.knownDialect?.features.cookies !== true || result.received === 0 || result.cookie == null || sameBytes(result.cookie, cookie)) {
        return
      }
      cookie = result.cookie
    }
  }

  private keep (point: Point, namespace: string, cookie: Uint8Array): void {
    let byNamespace = this.cookies.get(point.key)
    if (byNamespace == null) {
      byNamespace = new Map()
      this.cookies.set(point.key, byNamespace)
    }
    byNamespace.set(namespace, cookie)
  }
}

function sameBytes (a: Uint8Array, b?: Uint8Array): boolean {
  return b != null && a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])
}
