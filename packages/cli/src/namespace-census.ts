import { CENSUS_MAX_REGISTRATIONS, CENSUS_PAGE, CENSUS_MAX_AGE_MS } from './constants.ts'
import type { RegistrationStore } from '@rendezvous/store'

/** Live registrations per namespace, as counted by one scan of the store */
export interface Census {
  /** Namespaces with their live registrations, most first (ties by name) */
  namespaces: Array<{ namespace: string, registrations: number }>
  /** Live registrations counted */
  counted: number
  /** `true` if the scan stopped at its cap, so counts cover only the oldest registrations */
  truncated: boolean
  /** When the scan ran, ms since the epoch */
  at: number
}

/**
 * Counts live registrations per namespace for the status page and the per-namespace metrics. The store
 * has no per-namespace count, so this pages through every live registration in position order, up to
 * {@link CENSUS_MAX_REGISTRATIONS}; a result is reused for {@link CENSUS_MAX_AGE_MS} so a page open in
 * several browsers and a Prometheus scrape share one scan.
 */
export class NamespaceCensus {
  private readonly store: RegistrationStore
  private last?: Census
  private running?: Promise<Census>

  constructor (store: RegistrationStore) {
    this.store = store
  }

  async get (): Promise<Census> {
    if (this.last != null && Date.now() - this.last.at < CENSUS_MAX_AGE_MS) {
      return this.last
    }
    this.running ??= this.scan().finally(() => { this.running = undefined })
    return this.running
  }

  private async scan (): Promise<Census> {
    const counts = new Map<string, number>()
    let after = 0
    let counted = 0
    let truncated = false
    // bounded by CENSUS_MAX_REGISTRATIONS / CENSUS_PAGE pages
    for (;;) {
      const page = await this.store.discover({ after, limit: CENSUS_PAGE })
      for (const r of page.registrations) {
        counts.set(r.namespace, (counts.get(r.namespace) ?? 0) + 1)
      }
      counted += page.registrations.length
      after = page.position
      if (page.registrations.length < CENSUS_PAGE) {
        break
      }
      if (counted >= CENSUS_MAX_REGISTRATIONS) {
        truncated = true
        break
      }
    }
    const namespaces = [...counts].map(([namespace, registrations]) => ({ namespace, registrations }))
      .sort((a, b) => b.registrations - a.registrations || (a.namespace < b.namespace ? -1 : 1))
    this.last = { namespaces, counted, truncated, at: Date.now() }
    return this.last
  }
}
