import { isPeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import { rendezvous, waku } from '@rendezvous/codec'
import { InvalidPointError } from './errors.ts'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Dialect } from '@rendezvous/codec'

/** The dialects the client speaks, in the order it prefers them when a point supports several */
export const DEFAULT_DIALECTS: readonly Dialect[] = [rendezvous, waku]

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
}

/** Look a dialect up by value, name or protocol ID */
export function resolveDialect (dialect: Dialect | string, known: readonly Dialect[] = DEFAULT_DIALECTS): Dialect {
  if (typeof dialect !== 'string') {
    return dialect
  }
  const found = [...known, ...DEFAULT_DIALECTS].find(d => d.name === dialect || d.protocol === dialect)
  if (found == null) {
    throw new InvalidPointError(`unknown rendezvous dialect "${dialect}"`)
  }
  return found
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

  constructor (peerId: PeerId, address?: Multiaddr, dialect?: Dialect) {
    this.peerId = peerId
    this.multiaddr = address
    this.dialect = dialect
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
  if (typeof input === 'string' || isMultiaddr(input) || isPeerId(input)) {
    address = input
  } else if (input != null && typeof input === 'object' && 'address' in input) {
    address = input.address
    dialect = input.dialect == null ? undefined : resolveDialect(input.dialect, dialects)
  } else {
    throw new InvalidPointError('a point is a multiaddr with /p2p/, a peer ID, or { address, dialect? }')
  }

  if (isPeerId(address)) {
    return new Point(address, undefined, dialect)
  }
  try {
    if (typeof address === 'string' && !address.startsWith('/')) {
      return new Point(peerIdFromString(address), undefined, dialect)
    }
    const ma = typeof address === 'string' ? multiaddr(address) : address
    return new Point(peerOf(ma), ma, dialect)
  } catch (err: any) {
    if (err instanceof InvalidPointError) {
      throw err
    }
    throw new InvalidPointError(`not a point address: ${String(address)} (${err.message})`)
  }
}
