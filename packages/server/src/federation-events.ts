import type { Dialect } from '@rendezvous/codec'
import type { Registration } from '@rendezvous/store'

/**
 * What the request handler tells the rest of the point after it changed the store for a peer: the
 * federation publishes it to the other members, and followers of the namespace are pushed new
 * registrations. Listeners must not throw and must not make the handler wait.
 */
export interface RegistrationEvents {
  /** A REGISTER was accepted and stored (as the store returned it, with its position) */
  registered(registration: Registration, dialect: Dialect): void

  /**
   * An UNREGISTER was carried out and removed something: `namespace` is `''` when it removed every
   * registration of the peer. `at` is when, on the point's clock.
   */
  unregistered(namespace: string, peerId: string, at: number, dialect: Dialect): void
}

/** Fan one event out to several listeners, each failure logged and contained */
export class RegistrationEventFanout implements RegistrationEvents {
  private readonly listeners: RegistrationEvents[] = []
  private readonly onError: (err: Error) => void

  constructor (onError: (err: Error) => void) {
    this.onError = onError
  }

  add (listener: RegistrationEvents): void {
    this.listeners.push(listener)
  }

  registered (registration: Registration, dialect: Dialect): void {
    for (const listener of this.listeners) {
      try {
        listener.registered(registration, dialect)
      } catch (err: any) {
        this.onError(err)
      }
    }
  }

  unregistered (namespace: string, peerId: string, at: number, dialect: Dialect): void {
    for (const listener of this.listeners) {
      try {
        listener.unregistered(namespace, peerId, at, dialect)
      } catch (err: any) {
        this.onError(err)
      }
    }
  }
}
