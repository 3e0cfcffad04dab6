import { StoreClosedError } from './errors.ts'
import {
  validateCountByPeer, validateDiscoverOptions, validateLimit, validateNamespace, validateNewRegistration, validatePeerId,
  validateSampleOptions, validateUpsertOptions
} from './validation.ts'
import type {
  CountByPeerOptions, DiscoverOptions, DiscoverResult, NewRegistration, Registration, RegistrationStore, SampleOptions,
  UpsertOptions
} from './store.ts'

/**
 * What every adapter does before it touches its backend, in one order: reject after `close`
 * (`StoreClosedError`), then check the arguments (the typed errors of this package), then answer the edge
 * cases that need no backend (a limit of 0, an empty format filter). An adapter extends it and implements
 * the `…Checked` methods, which receive only valid arguments of an open store, and `close`.
 *
 * Failures reject the returned promise (never a synchronous throw), as the interface requires.
 */
export abstract class GuardedStore implements RegistrationStore {
  /** Whether `close` has begun; adapters say so, each in its own way */
  protected abstract isClosed (): boolean

  protected abstract upsertChecked (registration: NewRegistration, options: UpsertOptions | undefined): Promise<Registration>
  protected abstract removeChecked (namespace: string, peerId: string): Promise<boolean>
  protected abstract removePeerChecked (peerId: string): Promise<number>
  protected abstract countByPeerChecked (peerId: string, options: CountByPeerOptions | undefined): Promise<number>
  protected abstract discoverChecked (options: DiscoverOptions): Promise<DiscoverResult>
  protected abstract sampleChecked (namespace: string, limit: number, options: SampleOptions | undefined): Promise<Registration[]>
  protected abstract expireChecked (): Promise<number>
  protected abstract countChecked (): Promise<number>
  abstract close (): Promise<void>

  private assertOpen (): void {
    if (this.isClosed()) {
      throw new StoreClosedError()
    }
  }

  async upsert (registration: NewRegistration, options?: UpsertOptions): Promise<Registration> {
    this.assertOpen()
    validateNewRegistration(registration)
    validateUpsertOptions(options)
    return this.upsertChecked(registration, options)
  }

  async remove (namespace: string, peerId: string): Promise<boolean> {
    this.assertOpen()
    validateNamespace(namespace)
    validatePeerId(peerId)
    return this.removeChecked(namespace, peerId)
  }

  async removePeer (peerId: string): Promise<number> {
    this.assertOpen()
    validatePeerId(peerId)
    return this.removePeerChecked(peerId)
  }

  async countByPeer (peerId: string, options?: CountByPeerOptions): Promise<number> {
    this.assertOpen()
    validateCountByPeer(peerId, options)
    return this.countByPeerChecked(peerId, options)
  }

  async discover (options: DiscoverOptions): Promise<DiscoverResult> {
    this.assertOpen()
    validateDiscoverOptions(options)
    if (options.limit === 0 || options.formats?.length === 0) {
      return { registrations: [], position: options.after ?? 0 }
    }
    return this.discoverChecked(options)
  }

  async sample (namespace: string, limit: number, options?: SampleOptions): Promise<Registration[]> {
    this.assertOpen()
    validateNamespace(namespace)
    validateLimit(limit)
    validateSampleOptions(options)
    if (limit === 0 || options?.formats?.length === 0) {
      return []
    }
    return this.sampleChecked(namespace, limit, options)
  }

  async expire (): Promise<number> {
    this.assertOpen()
    return this.expireChecked()
  }

  async count (): Promise<number> {
    this.assertOpen()
    return this.countChecked()
  }
}
