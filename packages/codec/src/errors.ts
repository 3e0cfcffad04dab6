/**
 * Every error the codec raises extends `CodecError`, so a caller can tell bad input from a bug with
 * one `instanceof` check. Each subclass has its own `name` for matching across package copies.
 */
export class CodecError extends Error {
  static name = 'CodecError'
  override name = 'CodecError'
}

/** A frame's length prefix announces more bytes than the caller allows */
export class FrameTooLargeError extends CodecError {
  static name = 'FrameTooLargeError'
  override name = 'FrameTooLargeError'
  readonly length: number
  readonly maxLength: number

  constructor (length: number, maxLength: number) {
    super(`frame of ${length} bytes exceeds the limit of ${maxLength} bytes`)
    this.length = length
    this.maxLength = maxLength
  }
}

/** The input ended inside a length prefix or before the announced number of bytes arrived */
export class TruncatedFrameError extends CodecError {
  static name = 'TruncatedFrameError'
  override name = 'TruncatedFrameError'
}

/**
 * A stream ended (closed, reset, or closed for writing by the other side) before the first byte of the
 * frame that was awaited: no answer at all, as opposed to a {@link TruncatedFrameError}
 */
export class StreamEndedError extends CodecError {
  static name = 'StreamEndedError'
  override name = 'StreamEndedError'
  /** How it ended: `'closed'`, `'reset'` (with the stream's error as `cause`) or `'closed-write'` (the remote closed its side) */
  readonly how: 'closed' | 'reset' | 'closed-write'

  constructor (how: 'closed' | 'reset' | 'closed-write', options?: ErrorOptions) {
    super(`the stream ${how === 'closed-write' ? 'was closed for writing by the remote' : `was ${how}`} before a frame`, options)
    this.how = how
  }
}

/** A length prefix that is not a minimal unsigned varint, or longer than a varint may be */
export class InvalidLengthPrefixError extends CodecError {
  static name = 'InvalidLengthPrefixError'
  override name = 'InvalidLengthPrefixError'
}

/** The bytes are not a valid protobuf encoding of the dialect's Message */
export class MalformedMessageError extends CodecError {
  static name = 'MalformedMessageError'
  override name = 'MalformedMessageError'
}

/** An enum field (message type or status) holds a value the dialect does not define */
export class UnknownEnumValueError extends MalformedMessageError {
  static name = 'UnknownEnumValueError'
  override name = 'UnknownEnumValueError'
  readonly field: string
  readonly value: number

  constructor (field: string, value: number) {
    super(`unknown value ${value} for enum field ${field}`)
    this.field = field
    this.value = value
  }
}

/** The message is well formed but its type is missing the body that type requires */
export class MissingFieldError extends MalformedMessageError {
  static name = 'MissingFieldError'
  override name = 'MissingFieldError'
}

/** The message cannot be expressed in the chosen dialect (for example UNREGISTER or a cookie in 0.0.1) */
export class UnsupportedByDialectError extends CodecError {
  static name = 'UnsupportedByDialectError'
  override name = 'UnsupportedByDialectError'
}

/** Base class of the errors raised while opening or sealing a signed peer record */
export class PeerRecordError extends CodecError {
  static name = 'PeerRecordError'
  override name = 'PeerRecordError'
}

/** The bytes are not a signed envelope (bad protobuf, unknown key type) */
export class InvalidEnvelopeError extends PeerRecordError {
  static name = 'InvalidEnvelopeError'
  override name = 'InvalidEnvelopeError'
}

/** The envelope's signature does not verify for its record format's domain */
export class InvalidSignatureError extends PeerRecordError {
  static name = 'InvalidSignatureError'
  override name = 'InvalidSignatureError'
}

/** The envelope's payload type is not one of the record formats accepted here */
export class WrongPayloadTypeError extends PeerRecordError {
  static name = 'WrongPayloadTypeError'
  override name = 'WrongPayloadTypeError'
}

/** The envelope's payload is not a peer record */
export class InvalidPeerRecordError extends PeerRecordError {
  static name = 'InvalidPeerRecordError'
  override name = 'InvalidPeerRecordError'
}

/** The record names another peer than the key that signed it */
export class KeyMismatchError extends PeerRecordError {
  static name = 'KeyMismatchError'
  override name = 'KeyMismatchError'
}

/** The record is valid but belongs to another peer than the one expected (on a server: the connection's remote peer) */
export class RecordOfAnotherPeerError extends PeerRecordError {
  static name = 'RecordOfAnotherPeerError'
  override name = 'RecordOfAnotherPeerError'
}

/** A peer record must list at least one address */
export class NoAddressesError extends PeerRecordError {
  static name = 'NoAddressesError'
  override name = 'NoAddressesError'
}

/** A record format name that is not one of `RECORD_FORMATS` */
export class UnknownRecordFormatError extends PeerRecordError {
  static name = 'UnknownRecordFormatError'
  override name = 'UnknownRecordFormatError'
}

/** A dialect name or protocol ID that is not in the registry of dialects */
export class UnknownDialectError extends CodecError {
  static name = 'UnknownDialectError'
  override name = 'UnknownDialectError'
}
