import { Status, statusName as specStatusName } from '@rendezvous/codec'

/**
 * Every error the client raises for a point's behaviour extends `RendezvousClientError`. Each subclass
 * has its own `name` for matching across package copies.
 */
export class RendezvousClientError extends Error {
  static name = 'RendezvousClientError'
  override name = 'RendezvousClientError'
}

/** The point answered with a status other than OK */
export class RendezvousStatusError extends RendezvousClientError {
  static name = 'RendezvousStatusError'
  override name = 'RendezvousStatusError'
  /** The numeric status code (see `Status` in `@rendezvous/codec`) */
  readonly status: number
  /** The specification's name of the code, e.g. `E_INVALID_TTL` */
  readonly statusName: string
  /** The point's own explanation, possibly empty */
  readonly statusText: string

  constructor (status: number, statusText: string, statusName?: string) {
    const name = statusName ?? specStatusName(status)
    super(`rendezvous point answered ${name} (${status})${statusText === '' ? '' : `: ${statusText}`}`)
    this.status = status
    this.statusName = name
    this.statusText = statusText
  }

  /** Whether a point rejected the request for good (bad namespace, record, TTL): retrying the same request cannot help */
  get permanent (): boolean {
    return this.status === Status.E_INVALID_NAMESPACE || this.status === Status.E_INVALID_SIGNED_PEER_RECORD || this.status === Status.E_INVALID_TTL
  }
}

/** The point did not answer within the request timeout */
export class RendezvousTimeoutError extends RendezvousClientError {
  static name = 'RendezvousTimeoutError'
  override name = 'RendezvousTimeoutError'
}

/**
 * The point spoke something that is not the protocol: garbage, an over-size frame, a truncated frame,
 * the wrong message type, or it closed the stream without answering. `cause` holds the codec's error.
 */
export class RendezvousProtocolError extends RendezvousClientError {
  static name = 'RendezvousProtocolError'
  override name = 'RendezvousProtocolError'
}

/**
 * The point ended the stream (closed or reset it) without a byte of an answer: what a rust-libp2p point
 * does with a request it cannot read
 */
export class NoAnswerError extends RendezvousProtocolError {
  static name = 'NoAnswerError'
  override name = 'NoAnswerError'
}

/** The point could not be reached, or supports none of the dialects the client speaks */
export class PointUnreachableError extends RendezvousClientError {
  static name = 'PointUnreachableError'
  override name = 'PointUnreachableError'
}

/** A namespace the client refuses to send: empty, or longer than the point's dialect allows */
export class UnsendableNamespaceError extends RendezvousClientError {
  static name = 'UnsendableNamespaceError'
  override name = 'UnsendableNamespaceError'
}

/**
 * There is no point to send a request to: no point is configured and the call names none. (A call that
 * names a point the client was not configured with is sent to that point.)
 */
export class UnknownPointError extends RendezvousClientError {
  static name = 'UnknownPointError'
  override name = 'UnknownPointError'
}

/** The node has no address to put in its peer record, so there is nothing to register */
export class NoAddressesToRegisterError extends RendezvousClientError {
  static name = 'NoAddressesToRegisterError'
  override name = 'NoAddressesToRegisterError'
}

/** A point option that is neither a multiaddr with `/p2p/`, nor a peer ID, nor `{ address, dialect? }` */
export class InvalidPointError extends RendezvousClientError {
  static name = 'InvalidPointError'
  override name = 'InvalidPointError'
}

/** The point does not speak `/rendezvous/follow/1.0.0`: poll it with DISCOVER and cookies instead */
export class FollowUnsupportedError extends RendezvousClientError {
  static name = 'FollowUnsupportedError'
  override name = 'FollowUnsupportedError'
}
