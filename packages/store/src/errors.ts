/**
 * Every error a store raises on purpose. Each class has its own `name`, so callers can tell them apart with
 * `err.name === 'InvalidLimitError'` even when two copies of this package are installed (where `instanceof`
 * would fail).
 */
export class RegistrationStoreError extends Error {
  static readonly name: string = 'RegistrationStoreError'
  override readonly name: string = 'RegistrationStoreError'
}

/**
 * An argument is out of range. Nothing was stored or changed. The subclasses name which argument.
 */
export class InvalidArgumentError extends RegistrationStoreError {
  static readonly name: string = 'InvalidArgumentError'
  override readonly name: string = 'InvalidArgumentError'
}

/** A namespace that is not a well-formed string of 1 to 255 bytes of UTF-8 */
export class InvalidNamespaceError extends InvalidArgumentError {
  static readonly name = 'InvalidNamespaceError'
  override readonly name = 'InvalidNamespaceError'
}

/** A limit that is not a non-negative safe integer */
export class InvalidLimitError extends InvalidArgumentError {
  static readonly name = 'InvalidLimitError'
  override readonly name = 'InvalidLimitError'
}

/** A position (`after`) that is not a non-negative safe integer */
export class InvalidPositionError extends InvalidArgumentError {
  static readonly name = 'InvalidPositionError'
  override readonly name = 'InvalidPositionError'
}

/** A peer ID that is not a well-formed, non-empty string of at most 128 bytes of UTF-8 */
export class MalformedPeerIdError extends InvalidArgumentError {
  static readonly name = 'MalformedPeerIdError'
  override readonly name = 'MalformedPeerIdError'
}

/**
 * A registration handed to `upsert` whose other fields are out of range: an empty or missing envelope, a
 * record format that is not 1 to 32 bytes of `[a-z0-9-]`, a TTL
 * that is not a non-negative safe integer, times that are not non-negative safe integers, or an expiry
 * before the registration time. (A bad namespace or peer ID raises {@link InvalidNamespaceError} or
 * {@link MalformedPeerIdError}.)
 */
export class InvalidRegistrationError extends InvalidArgumentError {
  static readonly name = 'InvalidRegistrationError'
  override readonly name = 'InvalidRegistrationError'
}

/** Which limit refused a registration: the peer's own, or the store's */
export type RegistrationLimit = 'peer' | 'store'

/**
 * An upsert of a new registration was refused because its peer (`limit: 'peer'`), or the store
 * (`limit: 'store'`), already holds as many live registrations as the upsert's options allow. Nothing was
 * stored or changed.
 */
export class RegistrationLimitError extends RegistrationStoreError {
  static readonly name = 'RegistrationLimitError'
  override readonly name = 'RegistrationLimitError'

  /** Which limit was reached */
  readonly limit: RegistrationLimit

  constructor (limit: RegistrationLimit, message?: string) {
    super(message ?? (limit === 'peer'
      ? 'The peer already holds as many registrations as allowed'
      : 'The store already holds as many registrations as allowed'))
    this.limit = limit
  }
}

/** The store was closed; every method but `close` rejects with this afterwards */
export class StoreClosedError extends RegistrationStoreError {
  static readonly name = 'StoreClosedError'
  override readonly name = 'StoreClosedError'

  constructor (message = 'The registration store is closed') {
    super(message)
  }
}

/** A problem with the files of a persistent store, naming the file and the problem */
export class StoreFileError extends RegistrationStoreError {
  static readonly name: string = 'StoreFileError'
  override readonly name: string = 'StoreFileError'

  /** The file or directory the store was opened on */
  readonly path: string

  /** What is wrong with it, in a few words */
  readonly problem: string

  constructor (path: string, problem: string, options?: ErrorOptions) {
    super(`${path}: ${problem}`, options)
    this.path = path
    this.problem = problem
  }
}

/**
 * A persistent store's files cannot be read: they are damaged, truncated, or not a store at all. The
 * adapter must not wipe or rewrite them; the operator decides what to do.
 */
export class CorruptStoreError extends StoreFileError {
  static readonly name = 'CorruptStoreError'
  override readonly name = 'CorruptStoreError'
}

/**
 * A persistent store's files were written by a schema version this adapter does not know (usually a newer
 * one). The adapter must not migrate downwards or rewrite them.
 */
export class IncompatibleSchemaError extends StoreFileError {
  static readonly name = 'IncompatibleSchemaError'
  override readonly name = 'IncompatibleSchemaError'

  /** The schema version found in the files, when it could be read */
  readonly foundVersion?: number

  /** The newest schema version this adapter reads */
  readonly supportedVersion?: number

  constructor (path: string, problem: string, versions: { found?: number, supported?: number } = {}, options?: ErrorOptions) {
    super(path, problem, options)
    this.foundVersion = versions.found
    this.supportedVersion = versions.supported
  }
}
