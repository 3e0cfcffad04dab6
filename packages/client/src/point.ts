import { isPeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import { DIALECTS, dialect as lookUpDialect, recordFormat as lookUpRecordFormat } from '@rendezvous/codec'
import { InvalidPointError } from './errors.ts'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Dialect, RecordFormat, RecordFormatName } from '@rendezvous/codec'

/** The dialects the client speaks, in the order it prefers them when a point supports several: the codec's registry */
export const DEFAULT_DIALECTS: readonly Dialect[] = DIALECTS

/**
 * The record format to register with at a point: one by name, or `auto`: the dialect's own format, and
 * when a point resets a REGISTER stream without answering (what a rust-libp2p point does with a record it
 * cannot read), once more in the dialect's next accepted format, remembered for the point
 */
export type RecordFormatChoice = 'auto' | RecordFormatName

/**
 * A rendezvous point: a multiaddr that ends in `/p2p/<peer id>` (string or object), a bare peer ID
 * (its addresses must then be in the peer store), or an object that also fixes the dialect.
 */
export type PointInput = string | Multiaddr | PeerId | PointConfig

/** A point with options of its own */
export interface PointConfig {
  /** A multiaddr ending in `/p2p/<peer id>`, or a peer ID */
  address: string | Multiaddr | PeerId
  /**
   * Speak only this dialect to the point: a `Dialect` value, its name (`rendezvous/1.0.0`, `waku/0.0.1`)
   * or its protocol ID. Without it the client negotiates the first of its dialects the point supports.
   */
  dialect?: Dialect | string
  /**
   * The record format to register with there. A point keeps one registration per (peer, namespace), so a
   * peer registered in `rust-legacy` is found by rust-libp2p peers and by this project's clients, not by
   * Go ones (docs/client.md, "Record formats").
   *
   * @default 'auto'
   */
  recordFormat?: RecordFormatChoice
}

/**
 * Look a dialect up by value, name or protocol ID
 *
 * @throws {InvalidPointError}
 */
export function resolveDialect (dialect: Dialect | string, known: readonly Dialect[] = DEFAULT_DIALECTS): Dialect {
  if (typeof dialect !== 'string') {
    return dialect
  }
  const found = known.find(d => d.name === dialect || d.protocol === dialect)
  if (found != null) {
    return found
  }
  try {
    return lookUpDialect(dialect)
  } catch (err: any) {
    throw new InvalidPointError(err.message)
  }
}

function resolveRecordFormat (choice: RecordFormatChoice | undefined): 'auto' | RecordFormat {
  if (choice == null || choice === 'auto') {
    return 'auto'
  }
  try {
    return lookUpRecordFormat(choice)
  } catch (err: any) {
    throw new InvalidPointError(err.message)
  }
}

/** A configured point, as the client tracks it */
export class Point {
  readonly peerId: PeerId
  /** Where to dial it; `undefined` when the peer store must know its addresses */
  readonly multiaddr?: Multiaddr
  /** The dialect fixed by configuration */
  readonly dialect?: Dialect
  /** The dialect the point chose last time we negotiated, so later requests skip the fallback round trip */
  negotiated?: Dialect
  /** The record format fixed by configuration, or `auto` */
  readonly recordFormat: 'auto' | RecordFormat
  /** With `auto`: the format the point took after it reset a REGISTER in the dialect's own format */
  learnedFormat?: RecordFormat

  constructor (peerId: PeerId, address?: Multiaddr, dialect?: Dialect, recordFormat: 'auto' | RecordFormat = 'auto') {
    this.peerId = peerId
    this.multiaddr = address
    this.dialect = dialect
    this.recordFormat = recordFormat
  }

  /** The format to seal a REGISTER in, over `dialect` */
  formatFor (dialect: Dialect): RecordFormat {
    return this.recordFormat === 'auto' ? this.learnedFormat ?? dialect.records.seals : this.recordFormat
  }

  get key (): string {
    return this.peerId.toString()
  }

  /** The dialect this point is known to speak, if any */
  get knownDialect (): Dialect | undefined {
    return this.dialect ?? this.negotiated
  }

  toString (): string {
    return this.multiaddr?.toString() ?? this.peerId.toString()
  }
}

function peerOf (address: Multiaddr): PeerId {
  const p2p = address.getComponents().findLast(component => component.code === CODE_P2P)
  if (p2p?.value == null) {
    throw new InvalidPointError(`the point address ${address.toString()} does not end in /p2p/<peer id>`)
  }
  return peerIdFromString(p2p.value)
}

/**
 * Parse a point option.
 *
 * @throws {InvalidPointError}
 */
export function parsePoint (input: PointInput, dialects: readonly Dialect[] = DEFAULT_DIALECTS): Point {
  let address: string | Multiaddr | PeerId
  let dialect: Dialect | undefined
  let format: 'auto' | RecordFormat = 'auto'
  if (typeof input === 'string' || isMultiaddr(input) || isPeerId(input)) {
    address = input
  } else if (input != null && typeof input === 'object' && 'address' in input) {
    address = input.address
    dialect = input.dialect == null ? undefined : resolveDialect(input.dialect, dialects)
    format = resolveRecordFormat(input.recordFormat)
  } else {
    throw new InvalidPointError('a point is a multiaddr with /p2p/, a peer ID, or { address, dialect?, recordFormat? }')
  }

  if (isPeerId(address)) {
    return new Point(address, undefined, dialect, format)
  }
  try {
    if (typeof address === 'string' && !address.startsWith('/')) {
      return new Point(peerIdFromString(address), undefined, dialect, format)
    }
    const ma = typeof address === 'string' ? multiaddr(address) : address
    return new Point(peerOf(ma), ma, dialect, format)
  } catch (err: any) {
    if (err instanceof InvalidPointError) {
      throw err
    }
    throw new InvalidPointError(`not a point address: ${String(address)} (${err.message})`)
  }
}
