/**
 * Every error the daemon reports to its operator before it is running: a bad flag, a data directory it
 * cannot use, an address it cannot listen on. Each carries the exit code the `rendezvous` bin ends with,
 * and a message of one line that says what is wrong and where.
 */
export class DaemonError extends Error {
  static readonly name: string = 'DaemonError'
  /** The process exit code this error ends the bin with */
  readonly exitCode: number = 2

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DaemonError'
  }
}

/** A flag or environment variable is unknown, missing its value, or has a value out of range */
export class InvalidFlagError extends DaemonError {
  static readonly name = 'InvalidFlagError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'InvalidFlagError'
  }
}

/** The data directory does not exist and cannot be created, is not a directory, or is not writable */
export class DataDirError extends DaemonError {
  static readonly name = 'DataDirError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DataDirError'
  }
}

/** The identity key or cookie secret in the data directory exists but cannot be read or decoded */
export class KeyFileError extends DaemonError {
  static readonly name = 'KeyFileError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'KeyFileError'
  }
}

/** A listen or metrics address is already in use, or cannot be bound on this machine */
export class AddressInUseError extends DaemonError {
  static readonly name = 'AddressInUseError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'AddressInUseError'
  }
}

/** The registration store could not be opened (corrupt, incompatible schema, locked by another process) */
export class StoreOpenError extends DaemonError {
  static readonly name = 'StoreOpenError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'StoreOpenError'
  }
}

/** Another daemon runs on the same data directory (it would share the peer ID and the store) */
export class DataDirLockedError extends DaemonError {
  static readonly name = 'DataDirLockedError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DataDirLockedError'
  }
}

/** The TLS certificate or key cannot be read, is not PEM, or the key does not belong to the certificate */
export class TlsFileError extends DaemonError {
  static readonly name = 'TlsFileError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TlsFileError'
  }
}

/** The warm-up's throwaway point (`--warm-up`) did not answer its REGISTERs: something in this process's stack is broken */
export class WarmUpError extends DaemonError {
  static readonly name = 'WarmUpError'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'WarmUpError'
  }
}

/** `new MuxerLiveness(...)` was given an interval or a timeout that is not a whole number of milliseconds above 0 */
export class InvalidLivenessConfigError extends Error {
  static readonly name = 'InvalidLivenessConfigError'

  constructor (message: string) {
    super(message)
    this.name = 'InvalidLivenessConfigError'
  }
}

/** Why a connection was closed: its peer did not answer a ping within the timeout */
export class PeerUnresponsiveError extends Error {
  static readonly name = 'PeerUnresponsiveError'

  constructor (message: string) {
    super(message)
    this.name = 'PeerUnresponsiveError'
  }
}
