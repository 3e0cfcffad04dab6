import { bytesEqual } from '@rendezvous/store'
import type { Entry } from './entry.ts'

/**
 * Envelope bytes, copied into large shared slabs instead of one `ArrayBuffer` each.
 *
 * A separately allocated 170-byte `Uint8Array` costs V8 a backing store, its bookkeeping and work for the
 * garbage collector: about ten times the time of copying the bytes, and more memory than the bytes
 * themselves. Here an envelope is a `subarray` view of a slab. Slabs are filled front to back and never
 * reused in place; a slab whose live bytes fall below an eighth of its size once it is no longer the one
 * being filled is compacted (its live envelopes are copied to the current slab), so slab memory stays
 * within about eight times the live bytes plus one slab (in practice far less: slabs empty as their
 * registrations expire or are refreshed together).
 */

/** Bytes per slab */
export const SLAB_BYTES = 256 * 1024

/** A slab that is no longer being filled is compacted when its live bytes fall below 1 / COMPACT_BELOW of it */
export const COMPACT_BELOW = 8

/** Envelopes longer than this get their own buffer: they would waste too much of a slab's tail */
export const LARGE_ENVELOPE_BYTES = 8 * 1024

/** Offsets are aligned so views start on word boundaries */
const ALIGN = 8

export interface Slab {
  readonly bytes: Uint8Array
  used: number
  live: number

  /** The entries whose envelopes are in this slab; each knows its index (swap-remove) */
  readonly holders: Entry[]
}

export class EnvelopeArena {
  private current: Slab = newSlab()
  private slabCount = 1
  private readonly moved: (entry: Entry) => void

  /** `moved` is called after compaction gave an entry a new registration object with its moved envelope */
  constructor (moved: (entry: Entry) => void) {
    this.moved = moved
  }

  /** Slabs in use (for tests and metrics) */
  get slabs (): number {
    return this.slabCount
  }

  /** Copy `source` into the arena on behalf of `entry`, and return the copy */
  store (entry: Entry, source: Uint8Array): Uint8Array {
    const length = source.byteLength
    entry.envelopeLength = length

    if (length > LARGE_ENVELOPE_BYTES) {
      entry.slab = undefined
      entry.slabIndex = -1
      return source.slice()
    }

    if (this.current.used + length > SLAB_BYTES) {
      this.retireCurrent()
    }

    const slab = this.current
    const start = slab.used
    slab.bytes.set(source, start)
    slab.used = start + ((length + ALIGN - 1) & ~(ALIGN - 1))
    slab.live += length
    entry.slab = slab
    entry.slabIndex = slab.holders.length
    slab.holders.push(entry)
    return slab.bytes.subarray(start, start + length)
  }

  /**
   * Give `entry`, which holds an envelope here, `source` instead, and return its copy. A refresh nearly
   * always sends the envelope it sent before: then the copy the entry holds stays where it is (comparing
   * the bytes costs less than copying them, and leaves the slabs alone); otherwise the old copy is
   * released and `source` copied.
   */
  replace (entry: Entry, source: Uint8Array): Uint8Array {
    const current = entry.registration.signedPeerRecord

    if (bytesEqual(current, source)) {
      return current
    }

    this.release(entry)
    return this.store(entry, source)
  }

  /** The entry no longer needs its envelope */
  release (entry: Entry): void {
    const length = entry.envelopeLength
    const slab = entry.slab

    if (slab == null) {
      return
    }

    // swap-remove the entry from its slab's holders
    const last = slab.holders.pop() as Entry

    if (last !== entry) {
      slab.holders[entry.slabIndex] = last
      last.slabIndex = entry.slabIndex
    }

    entry.slab = undefined
    entry.slabIndex = -1
    slab.live -= length

    if (slab === this.current) {
      return
    }

    if (slab.live === 0) {
      this.slabCount--
    } else if (slab.live < SLAB_BYTES / COMPACT_BELOW) {
      this.compact(slab)
    }
  }

  /** Start a new slab; the full one lives on while it holds enough, or is compacted now */
  private retireCurrent (): void {
    const full = this.current
    this.current = newSlab()
    this.slabCount++

    if (full.live === 0) {
      this.slabCount--
    } else if (full.live < SLAB_BYTES / COMPACT_BELOW) {
      this.compact(full)
    }
  }

  /** Copy every live envelope of a thinned slab to the current slab, which lets the thinned one go */
  private compact (slab: Slab): void {
    const holders = slab.holders.splice(0)
    this.slabCount--

    for (const entry of holders) {
      const old = entry.registration.signedPeerRecord
      slab.live -= entry.envelopeLength
      entry.slab = undefined
      const copy = this.store(entry, old)
      // registrations are frozen: the entry gets a new one with the same fields and the moved bytes
      entry.registration = Object.freeze({ ...entry.registration, signedPeerRecord: copy })
      this.moved(entry)
    }
  }
}

function newSlab (): Slab {
  return { bytes: new Uint8Array(SLAB_BYTES), used: 0, live: 0, holders: [] }
}
