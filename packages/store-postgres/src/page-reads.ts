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
 * when a query comes back, the waiting ones (up to MAX_PAGES_PER_READ, with one format filter) are sent
 * together as one query that returns a page for each. Each query costs both processes a fixed amount
 * besides its rows (node-postgres's work per query, the server's bind, executor start and reply, a round
 * trip through the socket), which a busy point then pays once for several discovers. Each one still reads
 * its own page: the pages of one query are read in one snapshot, which is as consistent as separate reads.
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

  private queryDone (): void {
    this.inFlight--

    if (this.waiting.length > 0) {
      void this.sendWaiting()
    }
  }

  /** Sends the oldest waiting request with the others of its format filter, up to MAX_PAGES_PER_READ, in order */
  private async sendWaiting (): Promise<void> {
    const key = filterKey(this.waiting[0].request.formats)
    const batch: WaitingRequest[] = []
    const rest: WaitingRequest[] = []

    for (const waiting of this.waiting) {
      (batch.length < MAX_PAGES_PER_READ && filterKey(waiting.request.formats) === key ? batch : rest).push(waiting)
    }

    this.waiting = rest
    this.inFlight++

    try {
      const pages = batch.length === 1 ? [await this.one(batch[0].request)] : await this.many(batch.map(waiting => waiting.request))
      batch.forEach((waiting, i) => { waiting.resolve(pages[i]) })
    } catch (err) {
      batch.forEach(waiting => { waiting.reject(err) })
    } finally {
      this.queryDone()
    }
  }
}
