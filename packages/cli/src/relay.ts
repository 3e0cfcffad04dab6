import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { CODE_P2P } from '@multiformats/multiaddr'
import { sealPeerRecord } from '@rendezvous/codec'
import { RELAY_NAMESPACE } from './relay-config.ts'
import type { RelayConfig } from './relay-config.ts'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { Connection, Libp2p, PrivateKey } from '@libp2p/interface'
import type { RegistrationStore } from '@rendezvous/store'

/** The circuit relay v2 server of a `--relay` daemon, with its limits */
export function relayService (config: RelayConfig): ReturnType<typeof circuitRelayServer> {
  return circuitRelayServer({
    reservations: {
      maxReservations: config.maxReservations,
      reservationTtl: config.reservationTtl * 1000,
      defaultDurationLimit: config.durationLimit * 1000,
      defaultDataLimit: BigInt(config.dataLimit)
    }
  })
}

/**
 * Whether a connection carries a reservation on this relay: the point must not close it as idle, or the
 * peer behind it can no longer be reached (a reservation holder opens no stream between relayed dials)
 */
export function holdsReservation (relay: CircuitRelayService, connection: Connection): boolean {
  return relay.reservations.has(connection.remotePeer)
}

/** Options of {@link RelayAdvertisement} */
export interface RelayAdvertisementInit {
  node: Libp2p
  privateKey: PrivateKey
  store: RegistrationStore
  /** Seconds the registration lasts; it is renewed at half of it */
  ttl: number
}

/**
 * The relay's own registration under {@link RELAY_NAMESPACE} at its own point. A node cannot dial itself,
 * so the daemon writes its signed peer record into its store directly, exactly as a REGISTER from itself
 * would have stored it; it renews it at half its TTL and whenever its addresses change, and removes it when
 * the daemon stops.
 */
export class RelayAdvertisement {
  private readonly init: RelayAdvertisementInit
  private timer?: ReturnType<typeof setTimeout>
  private stopped = false
  private pending: Promise<void> = Promise.resolve()
  private readonly onAddressChange = (): void => { void this.register() }

  constructor (init: RelayAdvertisementInit) {
    this.init = init
  }

  /** Register now and keep the registration alive until {@link stop} */
  async start (): Promise<void> {
    this.init.node.addEventListener('self:peer:update', this.onAddressChange)
    await this.register()
  }

  /** Stop renewing and remove the registration */
  async stop (): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.init.node.removeEventListener('self:peer:update', this.onAddressChange)
    await this.pending
    await this.init.store.remove(RELAY_NAMESPACE, this.init.node.peerId.toString())
  }

  private async register (): Promise<void> {
    // one write at a time, in order: an address change during a renewal is written after it
    this.pending = this.pending.then(async () => {
      if (this.stopped) {
        return
      }
      clearTimeout(this.timer)
      // a peer record lists the addresses without the trailing /p2p/<peer id>
      const addresses = this.init.node.getMultiaddrs().map(ma => ma.decapsulateCode(CODE_P2P))
      if (addresses.length > 0) {
        const now = Date.now()
        await this.init.store.upsert({
          namespace: RELAY_NAMESPACE,
          peerId: this.init.node.peerId.toString(),
          signedPeerRecord: await sealPeerRecord(this.init.privateKey, addresses),
          format: 'standard',
          ttl: this.init.ttl,
          registeredAt: now,
          expiresAt: now + this.init.ttl * 1000
        })
      }
      this.timer = setTimeout(this.onAddressChange, this.init.ttl * 500)
      this.timer.unref?.()
    }).catch(() => {
      if (this.stopped) {
        return
      }
      // a store that failed (closing) is retried at the next renewal or address change
      this.timer = setTimeout(this.onAddressChange, this.init.ttl * 500)
      this.timer.unref?.()
    })
    return this.pending
  }
}
