import { MAX_PAGES_PER_READ } from './constants.ts'

/** A `discover` in one namespace, as the database reads it */
export interface PageRequest {
  namespace: string
  after: number
  limit: number
  formats: string[] | null
}

/** A page as the database returns it (entry.ts reads it), or null for none */
export type Page = string | null

interface WaitingRequest {
  request: PageRequest
  resolve(page: Page): void
  reject(err: unknown): void
}

/** Requests share a query only with the same format filter, which the query takes once */
function filterKey (formats: string[] | null): string {
  return formats === null ? '' : JSON.stringify(formats)
}

/**
 * The store's discovers in one namespace, at most `maxInFlight` queries at a time. A discover that arrives
 * with fewer in flight is sent at once, alone (no added latency); the ones that arrive meanwhile wait, and
 * when a query comes back, the waiting ones (up to MAX_PAGES_PER_READ pages, with one format filter) are
 * sent together as one query that returns a page for each, one for those that ask for the same page. Each
 * query costs both processes a fixed amount besides its rows (node-postgres's work per query, the server's
 * bind, executor start and reply, a round trip through the socket), which a busy point then pays once for
 * several discovers. Each one still gets the page it would get alone: the pages of one query are read in
 * one snapshot, taken after every one of its discovers was called.
 */
export class PageReads {
  private readonly maxInFlight: number
  private readonly one: (request: PageRequest) => Promise<Page>
  private readonly many: (requests: PageRequest[]) => Promise<Page[]>
  private inFlight = 0
  private waiting: WaitingRequest[] = []

  constructor (maxInFlight: number, one: (request: PageRequest) => Promise<Page>, many: (requests: PageRequest[]) => Promise<Page[]>) {
    this.maxInFlight = maxInFlight
    this.one = one
    this.many = many
  }

  async read (request: PageRequest): Promise<Page> {
    if (this.inFlight >= this.maxInFlight) {
      return new Promise<Page>((resolve, reject) => {
        this.waiting.push({ request, resolve, reject })
      })
    }

    this.inFlight++

    try {
      return await this.one(request)
    } finally {
      this.queryDone()
    }
  }

  /**
   * A query came back. Its slot is kept until the next turn of the event loop: the discovers it answered
   * run on meanwhile, and a caller that discovers again at once (a point answering its next DISCOVER, a
   * peer paging) then waits with the others and goes in the next query instead of taking the slot alone.
   * With 16 discovers in flight that made 0.30 queries per discover instead of 0.40.
   */
  private queryDone (): void {
    setImmediate(() => {
      this.inFlight--

      if (this.waiting.length > 0) {
        void this.sendWaiting()
      }
    })
  }

  /**
   * Sends the oldest waiting request with the others of its format filter, up to MAX_PAGES_PER_READ
   * distinct pages, in order. Waiting requests for the same page (namespace, after, limit) share one: a
   * busy point gets many DISCOVERs of one namespace from its start. They all arrived before the query is
   * sent, so its snapshot is as recent as each would have had alone.
   */
  private async sendWaiting (): Promise<void> {
    const key = filterKey(this.waiting[0].request.formats)
    const requests: PageRequest[] = []
    /** for each waiting request of the batch, the index of its page in `requests` */
    const batch: Array<{ waiting: WaitingRequest, page: number }> = []
    const pages = new Map<string, number>()
    const rest: WaitingRequest[] = []

    for (const waiting of this.waiting) {
      const { namespace, after, limit, formats } = waiting.request

      if (filterKey(formats) !== key) {
        rest.push(waiting)
        continue
      }

      // stored namespaces hold no NUL (keys.ts escapes it), so the key is unambiguous
      const pageKey = `${namespace}\0${after}\0${limit}`
      let page = pages.get(pageKey)

      if (page === undefined) {
        if (requests.length === MAX_PAGES_PER_READ) {
          rest.push(waiting)
          continue
        }

        page = requests.push(waiting.request) - 1
        pages.set(pageKey, page)
      }

      batch.push({ waiting, page })
    }

    this.waiting = rest
    this.inFlight++

    try {
      const read = requests.length === 1 ? [await this.one(requests[0])] : await this.many(requests)
      batch.forEach(({ waiting, page }) => { waiting.resolve(read[page]) })
    } catch (err) {
      batch.forEach(({ waiting }) => { waiting.reject(err) })
    } finally {
      this.queryDone()
    }
  }
}
