/**
 * Errors of the LevelDB store. Argument errors come from `@rendezvous/store` once its shared
 * validation lands; until then they are defined here with the same names.
 */

/** The store was used after {@link RegistrationStore.close} */
export class StoreClosedError extends Error {
  static name = 'StoreClosedError'
  name = 'StoreClosedError'

  constructor (message = 'The registration store is closed') {
    super(message)
  }
}

/** The database file is damaged or is not a database; nothing was changed */
export class CorruptStoreError extends Error {
  static name = 'CorruptStoreError'
  name = 'CorruptStoreError'

  /** The file that could not be read */
  readonly path: string

  constructor (path: string, problem: string, options?: ErrorOptions) {
    super(`Cannot open registration store ${path}: ${problem}`, options)
    this.path = path
  }
}

/** The database was written by a schema this version does not understand; nothing was changed */
export class IncompatibleSchemaError extends Error {
  static name = 'IncompatibleSchemaError'
  name = 'IncompatibleSchemaError'

  /** The file that was refused */
  readonly path: string

  constructor (path: string, problem: string) {
    super(`Cannot open registration store ${path}: ${problem}`)
    this.path = path
  }
}

/** A namespace that is empty, over 255 bytes of UTF-8, or not a string */
export class InvalidNamespaceError extends Error {
  static name = 'InvalidNamespaceError'
  name = 'InvalidNamespaceError'
}

/** A limit that is not a non-negative integer */
export class InvalidLimitError extends Error {
  static name = 'InvalidLimitError'
  name = 'InvalidLimitError'
}

/** A discover position that is not a non-negative integer */
export class InvalidPositionError extends Error {
  static name = 'InvalidPositionError'
  name = 'InvalidPositionError'
}

/** A registration with a missing or out-of-range field */
export class InvalidRegistrationError extends Error {
  static name = 'InvalidRegistrationError'
  name = 'InvalidRegistrationError'
}
