import { DISCOVER_BUDGET_MEMORY } from './constants.ts'

interface Bucket {
  tokens: number
  at: number
}

/**
 * A token bucket per peer for DISCOVER answer bytes: a peer may be sent `burst` bytes at once and
 * `bytesPerSecond` on average, so no registration set, however large its records, makes the point send
 * one peer more than that (docs/server-behaviour.md, "DISCOVER answer budget").
 */
export class DiscoverBudget {
  readonly bytesPerSecond: number
  readonly burst: number
  private readonly clock: () => number
  private readonly buckets = new Map<string, Bucket>()

  constructor (bytesPerSecond: number, burst: number, clock: () => number) {
    this.bytesPerSecond = bytesPerSecond
    this.burst = burst
    this.clock = clock
  }

  /** Bytes `peer` may be sent now */
  available (peer: string): number {
    if (this.bytesPerSecond === Infinity) {
      return Infinity
    }
    const bucket = this.buckets.get(peer)
    if (bucket == null) {
      return this.burst
    }
    return Math.min(this.burst, bucket.tokens + (this.clock() - bucket.at) * this.bytesPerSecond / 1000)
  }

  /** Take `bytes` sent to `peer` from its bucket */
  spend (peer: string, bytes: number): void {
    if (this.bytesPerSecond === Infinity) {
      return
    }
    const tokens = this.available(peer) - bytes
    this.buckets.delete(peer)
    this.buckets.set(peer, { tokens, at: this.clock() })
    if (this.buckets.size > DISCOVER_BUDGET_MEMORY) {
      this.forgetFull()
    }
  }

  /** Drop buckets that have filled up again: a full bucket is the same as none */
  private forgetFull (): void {
    for (const [peer] of this.buckets) {
      if (this.available(peer) >= this.burst) {
        this.buckets.delete(peer)
      }
    }
    // every peer spent recently: forget the least recent, which at worst lets it burst once more
    while (this.buckets.size > DISCOVER_BUDGET_MEMORY) {
      const oldest = this.buckets.keys().next().value
      if (oldest == null) {
        break
      }
      this.buckets.delete(oldest)
    }
  }
}
