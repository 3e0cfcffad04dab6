import { decode as varintDecode, encodingLength } from 'uint8-varint'
import { FrameTooLargeError, InvalidLengthPrefixError, TruncatedFrameError } from './errors.ts'
import type { DecoderOptions, LengthDecoderFunction } from 'it-length-prefixed'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * The length reader this codec gives it-length-prefixed's decoder (its `lengthDecoder` option). It reads
 * the prefix with uint8-varint, as it-length-prefixed's own reader does, and adds the checks that one
 * leaves out. A non-minimal prefix (`80 00` for 0) is refused: it-length-prefixed would take the length's
 * own encoding length for the prefix's and read the rest of the prefix as the message. A prefix that has not
 * fully arrived is refused as soon as the part that has arrived announces more than the limit, without
 * waiting for the bytes that complete it.
 *
 * The decoder itself refuses a complete length above the limit (`maxDataLength`) and an incomplete
 * prefix longer than a length up to the limit needs (`maxLengthLength`, {@link LengthPrefixReader.maxPrefixBytes}).
 */
export interface LengthPrefixReader extends LengthDecoderFunction {
  /** The limit this reader was made for */
  readonly maxFrameBytes: number
  /** Bytes of the longest minimal prefix of a length up to the limit */
  readonly maxPrefixBytes: number
  /** The length last read, also when it exceeds the limit (for {@link FrameTooLargeError}) */
  announced: number
}

const CONTINUATION = 0x80
const PAYLOAD = 0x7f
/** uint8-varint reads at most 8 bytes (lengths up to 2^53) */
const MAX_READ_BYTES = 8

/**
 * The value carried by the bytes of a prefix that has not fully arrived (each has its continuation
 * bit set): the length it announces is at least this.
 */
function partialValue (buf: Uint8ArrayList): number {
  let value = 0
  const count = Math.min(buf.byteLength, MAX_READ_BYTES)
  for (let i = 0; i < count; i++) {
    value += (buf.get(i) & PAYLOAD) * 2 ** (7 * i)
  }
  return value
}

/** A length reader for frames of at most `maxFrameBytes` bytes */
export function lengthPrefixReader (maxFrameBytes: number): LengthPrefixReader {
  const read = (buf: Uint8ArrayList): number => {
    let length: number
    try {
      length = varintDecode(buf)
    } catch (err) {
      // uint8-varint raises a RangeError for a prefix not fully arrived, on which the decoder waits for
      // more bytes: refuse now if what has arrived already announces too much
      const atLeast = partialValue(buf)
      if (atLeast > maxFrameBytes) {
        reader.announced = atLeast
        throw new FrameTooLargeError(atLeast, maxFrameBytes)
      }
      throw err
    }
    reader.announced = length
    // a length above the limit is refused by the decoder's maxDataLength before it reads `bytes`
    if (length <= maxFrameBytes) {
      reader.bytes = encodingLength(length)
      if ((buf.get(reader.bytes - 1) & CONTINUATION) !== 0) {
        throw new InvalidLengthPrefixError('length prefix is not a minimal varint')
      }
    }
    return length
  }
  const reader: LengthPrefixReader = Object.assign(read, {
    bytes: 0,
    announced: 0,
    maxFrameBytes,
    maxPrefixBytes: encodingLength(Math.min(maxFrameBytes, Number.MAX_SAFE_INTEGER))
  })
  return reader
}

/** it-length-prefixed's decoder options for a reader: its own checks and ours, for one limit */
export function decoderOptions (reader: LengthPrefixReader, onLength?: (length: number) => void): DecoderOptions {
  return { lengthDecoder: reader, maxDataLength: reader.maxFrameBytes, maxLengthLength: reader.maxPrefixBytes, onLength }
}

function prefixTooLong (reader: LengthPrefixReader): InvalidLengthPrefixError {
  // what a minimal prefix of a length up to the limit can never be: its extra bytes carry zeros
  return new InvalidLengthPrefixError(`length prefix is longer than the ${reader.maxPrefixBytes} bytes a length up to ${reader.maxFrameBytes} needs`)
}

/**
 * The length of the frame at the start of `buf`, or `undefined` while its prefix has not fully arrived,
 * with the checks it-length-prefixed's decoder makes around the reader (`maxDataLength`, `maxLengthLength`),
 * for the callers that cannot use its generator (see `FrameDecoder`). `reader.bytes` is the prefix's size.
 *
 * @throws {FrameTooLargeError | InvalidLengthPrefixError}
 */
export function readLength (reader: LengthPrefixReader, buf: Uint8ArrayList): number | undefined {
  if (buf.byteLength === 0) {
    return undefined
  }
  let length: number
  try {
    length = reader(buf)
  } catch (err) {
    if (!(err instanceof RangeError)) {
      throw err
    }
    if (buf.byteLength > reader.maxPrefixBytes) {
      throw prefixTooLong(reader)
    }
    return undefined
  }
  if (length > reader.maxFrameBytes) {
    throw new FrameTooLargeError(length, reader.maxFrameBytes)
  }
  return length
}

/**
 * it-length-prefixed raises untyped errors (matched by `name`, as it exports no classes); the codec's
 * callers expect its own typed errors. Anything else (an error of the source) passes through.
 */
export function typedError (err: unknown, reader: LengthPrefixReader, truncated: string): unknown {
  switch ((err as Error | undefined)?.name) {
    case 'InvalidDataLengthError':
      return new FrameTooLargeError(reader.announced, reader.maxFrameBytes)
    case 'InvalidDataLengthLengthError':
      return prefixTooLong(reader)
    case 'InvalidMessageLengthError':
      return new InvalidLengthPrefixError('length prefix is not a length')
    case 'UnexpectedEOFError':
      return new TruncatedFrameError(truncated)
    default:
      return err
  }
}
