import { RegistrationStoreError } from '@rendezvous/store'

/**
 * The database could not be reached, or dropped the connection, or is shutting down or starting up. The
 * operation may or may not have taken effect if the connection dropped while it ran (an upsert that rejected
 * this way was never acknowledged, so its peer registers again); the pool opens fresh connections by itself
 * for the next operations, which succeed once the database is back.
 */
export class StoreUnavailableError extends RegistrationStoreError {
  static readonly name = 'StoreUnavailableError'
  override readonly name = 'StoreUnavailableError'
}

/**
 * A secret in the database (see `getOrCreateSecret`) has another length than asked for: the same name is
 * used for two different things, or a deployment changed the length. Nothing was changed.
 */
export class SecretLengthError extends RegistrationStoreError {
  static readonly name = 'SecretLengthError'
  override readonly name = 'SecretLengthError'
}
