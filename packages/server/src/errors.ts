/**
 * Errors the server raises on purpose. Each class has its own `name`, so callers can match them with
 * `err.name === 'InvalidServerConfigError'` even when two copies of this package are installed.
 * `RendezvousServerError` and `InvalidServerConfigError` are the ones a caller meets; the others are
 * the reasons streams are aborted with (and what the server's log names).
 */
export class RendezvousServerError extends Error {
  static readonly name: string = 'RendezvousServerError'
  override readonly name: string = 'RendezvousServerError'
}

/**
 * An init option is out of range (thrown when libp2p builds the service), or the node lacks a component an
 * option needs (thrown by `start()`: a connection guard needs `events`, a federation `peerId`,
 * `connectionManager` and `events`)
 */
export class InvalidServerConfigError extends RendezvousServerError {
  static readonly name = 'InvalidServerConfigError'
  override readonly name = 'InvalidServerConfigError'
}

/** A cookie that this server did not mint for this namespace: malformed, forged, altered or for another namespace */
export class InvalidCookieError extends RendezvousServerError {
  static readonly name = 'InvalidCookieError'
  override readonly name = 'InvalidCookieError'
}

/** A stream sent no request, or not a complete one, in the time allowed; the stream is aborted with it */
export class StreamTimeoutError extends RendezvousServerError {
  static readonly name = 'StreamTimeoutError'
  override readonly name = 'StreamTimeoutError'
}

/** A peer sent more request bytes ahead of the answers than the server buffers; the stream is aborted with it */
export class StreamOverflowError extends RendezvousServerError {
  static readonly name = 'StreamOverflowError'
  override readonly name = 'StreamOverflowError'
}

/** A peer sent a message a client never sends (a response); the stream is aborted with it */
export class UnexpectedMessageError extends RendezvousServerError {
  static readonly name = 'UnexpectedMessageError'
  override readonly name = 'UnexpectedMessageError'
}

/** The service is stopping; idle streams are aborted with it (streams with a request in flight get their answer first) */
export class ServerStoppingError extends RendezvousServerError {
  static readonly name = 'ServerStoppingError'
  override readonly name = 'ServerStoppingError'

  constructor (message = 'the rendezvous server is stopping') {
    super(message)
  }
}

/** A federation message or sync answer that this point refuses; `reason` is the metric label */
export class FederationRejectedError extends RendezvousServerError {
  static readonly name = 'FederationRejectedError'
  override readonly name = 'FederationRejectedError'
  readonly reason: string

  constructor (reason: string, message: string) {
    super(message)
    this.reason = reason
  }
}

/**
 * A follow request this point cannot serve (bad namespace, bad cookie, too many followers), or a follower
 * that does not read its events; the stream is aborted with it
 */
export class FollowRefusedError extends RendezvousServerError {
  static readonly name = 'FollowRefusedError'
  override readonly name = 'FollowRefusedError'
}
