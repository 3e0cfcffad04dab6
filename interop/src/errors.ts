/** A toolchain a foreign peer needs is missing or too old; the message says what to install */
export class ToolchainMissingError extends Error {
  static name = 'ToolchainMissingError'
  override name = 'ToolchainMissingError'
}

/** Building a foreign peer failed */
export class PeerBuildError extends Error {
  static name = 'PeerBuildError'
  override name = 'PeerBuildError'
}

/** A client that cannot write arbitrary frames was asked to (rust-rdv: the crate's client writes only well-formed requests) */
export class NoRawModeError extends Error {
  static name = 'NoRawModeError'
  override name = 'NoRawModeError'
}
