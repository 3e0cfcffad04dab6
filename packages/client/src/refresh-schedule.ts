import { DEFAULT_BACKOFF_INITIAL, DEFAULT_BACKOFF_MAX, MAX_REFRESH_MARGIN, REFRESH_MARGIN_FRACTION } from './constants.ts'

/** When registrations are renewed, and how failures are retried */
export interface RefreshOptions {
  /**
   * Renew a registration this fraction of its granted TTL before it runs out (default 0.2)
   */
  marginFraction?: number
  /** ...but never earlier than this many milliseconds before it runs out (default 60 000) */
  maxMargin?: number
  /** First retry delay after a failure, in milliseconds (default 1 000) */
  backoffInitial?: number
  /** Longest retry delay, in milliseconds (default 300 000) */
  backoffMax?: number
  /** Source of jitter in [0, 1); tests pass a fixed one */
  random?(): number
}

/**
 * The refresh and retry schedule. A registration granted `ttl` seconds is renewed after
 * `ttl − min(ttl × marginFraction, maxMargin)`: a 20 s TTL is renewed after 16 s, a 2 h one after
 * 1 h 59 min. Failures are retried after `min(backoffMax, backoffInitial × 2^(n−1))`, of which a
 * random half is jitter, so a point that comes back is not hit by every client at once.
 */
export class RefreshSchedule {
  private readonly marginFraction: number
  private readonly maxMargin: number
  private readonly backoffInitial: number
  private readonly backoffMax: number
  private readonly random: () => number

  constructor (options: RefreshOptions = {}) {
    this.marginFraction = options.marginFraction ?? REFRESH_MARGIN_FRACTION
    this.maxMargin = options.maxMargin ?? MAX_REFRESH_MARGIN
    this.backoffInitial = options.backoffInitial ?? DEFAULT_BACKOFF_INITIAL
    this.backoffMax = options.backoffMax ?? DEFAULT_BACKOFF_MAX
    this.random = options.random ?? Math.random
  }

  /** Milliseconds after a successful registration granted `ttl` seconds until it is renewed */
  refreshDelay (ttl: number): number {
    const lifetime = Math.max(0, ttl) * 1000
    return Math.max(0, lifetime - Math.min(lifetime * this.marginFraction, this.maxMargin))
  }

  /** Milliseconds to wait after the `failures`-th consecutive failure (1 for the first) */
  backoffDelay (failures: number): number {
    const ceiling = Math.min(this.backoffMax, this.backoffInitial * 2 ** Math.max(0, Math.min(failures - 1, 30)))
    return ceiling / 2 + this.random() * ceiling / 2
  }
}
