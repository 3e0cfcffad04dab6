import { CODE_P2P } from '@multiformats/multiaddr'
import { sealPeerRecord } from '@rendezvous/codec'
import { NoAddressesToRegisterError } from './errors.ts'
import type { AbortOptions, PeerId, PrivateKey } from '@libp2p/interface'
import type { AddressManager } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { RecordFormat } from '@rendezvous/codec'

/** What the sealer needs */
export interface OwnRecordInit {
  peerId: PeerId
  privateKey: PrivateKey
  addressManager: AddressManager
  /** Which of the node's addresses go into the record */
  addressFilter(address: Multiaddr): boolean
}

interface SealedRecord {
  /** The addresses it holds, as {@link OwnRecordSealer.addressesChanged} compares them */
  key: string
  bytes: Uint8Array
}

/**
 * The own-record sealer: this node's signed peer record in each format a point takes, sealed again only
 * when the node's addresses changed, and the answer to "have they changed since the last record?"
 */
export class OwnRecordSealer {
  private readonly init: OwnRecordInit
  private readonly sealed = new Map<RecordFormat, SealedRecord>()
  /** The addresses of the record sealed last, whatever its format */
  private lastKey?: string

  constructor (init: OwnRecordInit) {
    this.init = init
  }

  /**
   * This node's signed peer record in `format`
   *
   * @throws {NoAddressesToRegisterError} when the node has no address to put in it
   */
  async record (format: RecordFormat, options: AbortOptions = {}): Promise<Uint8Array> {
    const addresses = this.addresses()
    if (addresses.length === 0) {
      throw new NoAddressesToRegisterError('this node has no address to register yet (listen on one, or reserve a relay slot)')
    }
    const key = keyOf(addresses)
    this.lastKey = key
    let sealed = this.sealed.get(format)
    if (sealed?.key !== key) {
      sealed = { key, bytes: await sealPeerRecord(this.init.privateKey, addresses, { ...options, format }) }
      this.sealed.set(format, sealed)
    }
    return sealed.bytes
  }

  /** Whether the node's addresses differ from those of the record sealed last (true when none was) */
  addressesChanged (): boolean {
    return keyOf(this.addresses()) !== this.lastKey
  }

  /** The node's addresses as they go into its record: without the trailing `/p2p/<own id>`, filtered */
  private addresses (): Multiaddr[] {
    const self = this.init.peerId.toString()
    const seen = new Set<string>()
    const addresses: Multiaddr[] = []
    for (let address of this.init.addressManager.getAddresses()) {
      const last = address.getComponents().at(-1)
      if (last?.code === CODE_P2P && last.value === self) {
        address = address.decapsulateCode(CODE_P2P)
      }
      const key = address.toString()
      if (!seen.has(key) && this.init.addressFilter(address)) {
        seen.add(key)
        addresses.push(address)
      }
    }
    return addresses
  }
}

function keyOf (addresses: Multiaddr[]): string {
  return addresses.map(a => a.toString()).sort().join(' ')
}
