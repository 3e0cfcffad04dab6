import { hash } from 'node:crypto'
import { verifyPeerRecord } from '@rendezvous/codec'
import type { PeerId } from '@libp2p/interface'
import type { PeerRecordSummary, RecordFormat } from '@rendezvous/codec'

/** What the server needs to remember of a verified envelope */
export interface VerifiedEnvelope {
  /** The peer the record belongs to, equal to the signing key's peer */
  peerId: PeerId
  /** How many addresses the record carries */
  addressCount: number
  /** Total bytes of its binary multiaddrs */
  addressBytes: number
  /** The record format the envelope is in */
  format: RecordFormat
}

/**
 * Opens and verifies a signed peer record; `verifyPeerRecord` from `@rendezvous/codec` unless replaced (tests,
 * benchmarks). `openPeerRecord` fits too: its result is a `PeerRecordSummary` with the addresses as objects.
 */
export type OpenPeerRecord = (bytes: Uint8Array) => Promise<PeerRecordSummary>

/**
 * A bounded map from envelope bytes to what verifying them proved, evicting the least recently used
 * entry. Keys are SHA-256 digests of the exact bytes, so an entry is only ever reused for byte-identical
 * envelopes, and an entry costs the same whatever the envelope's size.
 */
export class VerificationCache {
  readonly maxSize: number
  // a Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used
  private readonly entries = new Map<string, VerifiedEnvelope>()

  constructor (maxSize: number) {
    if (!Number.isSafeInteger(maxSize) || maxSize < 0) {
      throw new RangeError(`cache size must be a non-negative safe integer, got ${maxSize}`)
    }
    this.maxSize = maxSize
  }

  get size (): number {
    return this.entries.size
  }

  /** The digest an envelope is cached under */
  static key (envelope: Uint8Array): string {
    // the one-shot hash builds no Hash object: half the cost of createHash().update().digest() per request
    return hash('sha256', envelope, 'base64')
  }

  get (key: string): VerifiedEnvelope | undefined {
    const entry = this.entries.get(key)
    if (entry != null) {
      this.entries.delete(key)
      this.entries.set(key, entry)
    }
    return entry
  }

  set (key: string, entry: VerifiedEnvelope): void {
    if (this.maxSize === 0) {
      return
    }
    this.entries.delete(key)
    this.entries.set(key, entry)
    while (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next().value
      if (oldest == null) {
        break
      }
      this.entries.delete(oldest)
    }
  }

  clear (): void {
    this.entries.clear()
  }
}

/**
 * Verifies envelopes once: the first time a byte sequence is seen its signature is checked; afterwards
 * the cached result is returned. Failed verifications are not cached (they cost the sender a round trip
 * each, and caching them would let a peer fill the cache with junk).
 */
export class EnvelopeVerifier {
  private readonly cache: VerificationCache
  private readonly open: OpenPeerRecord
  /** Signature verifications run (cache misses that reached the codec) */
  verifications = 0
  /** Envelopes answered from the cache */
  cacheHits = 0

  // verifyPeerRecord, not openPeerRecord: the same acceptance and errors, without the Multiaddr and key objects
  // a point does not keep (about a quarter less CPU per fresh envelope, packages/codec/README.md)
  constructor (cacheSize: number, open: OpenPeerRecord = verifyPeerRecord) {
    this.cache = new VerificationCache(cacheSize)
    this.open = open
  }

  get cacheSize (): number {
    return this.cache.size
  }

  /**
   * @throws {PeerRecordError} (a subclass, from `@rendezvous/codec`) for an envelope that does not verify
   */
  async verify (envelope: Uint8Array): Promise<VerifiedEnvelope> {
    const key = VerificationCache.key(envelope)
    const cached = this.cache.get(key)
    if (cached != null) {
      this.cacheHits++
      return cached
    }
    this.verifications++
    const record = await this.open(envelope)
    const entry: VerifiedEnvelope = {
      peerId: record.peerId,
      addressCount: record.addressCount,
      addressBytes: record.addressBytes,
      format: record.format
    }
    this.cache.set(key, entry)
    return entry
  }

  clear (): void {
    this.cache.clear()
  }
}
