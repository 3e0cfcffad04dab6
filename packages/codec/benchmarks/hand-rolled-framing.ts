import { encodingLength, encodeUint8Array } from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameTooLargeError, InvalidLengthPrefixError, TruncatedFrameError } from '../src/errors.ts'
import type { FrameOptions } from '../src/framing.ts'

/**
 * Side B of the framing benchmark (`framing.ts` here): the codec's framing as it was before
 * it-length-prefixed came in, with a varint reader of its own. Kept only to be measured against the
 * other sides in the same run; nothing in `src/` uses it.
 */

/** Protobuf allows a varint of 10 bytes */
const MAX_VARINT_BYTES = 10

/** Prefix a message with its length */
export function encodeFrame (message: Uint8Array): Uint8Array {
  const prefixLength = encodingLength(message.byteLength)
  const frame = new Uint8Array(prefixLength + message.byteLength)
  encodeUint8Array(message.byteLength, frame, 0)
  frame.set(message, prefixLength)
  return frame
}

interface Prefix { length: number, prefixBytes: number }

/**
 * Read a length prefix at the start of `buf`: `undefined` when more bytes are needed.
 *
 * @throws {InvalidLengthPrefixError} for a non-minimal or over-long varint
 * @throws {FrameTooLargeError} as soon as the value read so far exceeds the limit
 */
function readPrefix (buf: Uint8ArrayList | Uint8Array, maxFrameBytes: number): Prefix | undefined {
  let length = 0
  const available = buf.byteLength
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (i >= available) {
      return undefined
    }
    const b = buf instanceof Uint8Array ? buf[i] : buf.get(i)
    length += (b & 0x7f) * 2 ** (7 * i)
    if (length > maxFrameBytes) {
      throw new FrameTooLargeError(length, maxFrameBytes)
    }
    if ((b & 0x80) === 0) {
      if (b === 0 && i > 0) {
        throw new InvalidLengthPrefixError('length prefix is not a minimal varint')
      }
      return { length, prefixBytes: i + 1 }
    }
  }
  throw new InvalidLengthPrefixError(`length prefix is longer than ${MAX_VARINT_BYTES} bytes`)
}

/**
 * Splits a byte stream into frames. Feed it chunks with {@link FrameDecoder.push}, take complete
 * messages with {@link FrameDecoder.next}, and call {@link FrameDecoder.end} when the input ends.
 */
export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList()
  private readonly maxFrameBytes: number
  private pending?: Prefix

  constructor (options: FrameOptions) {
    this.maxFrameBytes = options.maxFrameBytes
  }

  /** Bytes received and not yet returned as a frame */
  get bufferedBytes (): number {
    return this.buffer.byteLength
  }

  push (chunk: Uint8Array | Uint8ArrayList): void {
    this.buffer.append(chunk)
  }

  /**
   * The next complete message, without its prefix, or `undefined` when more bytes are needed.
   *
   * @throws {FrameTooLargeError | InvalidLengthPrefixError}
   */
  next (): Uint8Array | undefined {
    this.pending ??= readPrefix(this.buffer, this.maxFrameBytes)
    if (this.pending == null) {
      return undefined
    }
    const { length, prefixBytes } = this.pending
    if (this.buffer.byteLength < prefixBytes + length) {
      return undefined
    }
    const message = this.buffer.subarray(prefixBytes, prefixBytes + length)
    this.buffer.consume(prefixBytes + length)
    this.pending = undefined
    return message
  }

  /**
   * Declare the end of the input.
   *
   * @throws {TruncatedFrameError} if part of a frame is still buffered
   */
  end (): void {
    if (this.buffer.byteLength > 0) {
      const expected = this.pending == null ? 'a length prefix' : `${this.pending.prefixBytes + this.pending.length} bytes`
      throw new TruncatedFrameError(`input ended after ${this.buffer.byteLength} bytes of a frame that needs ${expected}`)
    }
  }
}

/**
 * Yield each message of a byte stream as soon as its last byte arrives. Ends when the source ends
 * on a frame boundary.
 *
 * @throws {TruncatedFrameError | FrameTooLargeError | InvalidLengthPrefixError}
 */
export async function * decodeFrames (source: AsyncIterable<Uint8Array | Uint8ArrayList> | Iterable<Uint8Array | Uint8ArrayList>, options: FrameOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new FrameDecoder(options)
  for await (const chunk of source) {
    decoder.push(chunk)
    let message = decoder.next()
    while (message != null) {
      yield message
      message = decoder.next()
    }
  }
  decoder.end()
}

/**
 * Decode exactly one frame at the start of `bytes`.
 *
 * @returns the message and the number of bytes the frame took (prefix included)
 * @throws {TruncatedFrameError | FrameTooLargeError | InvalidLengthPrefixError}
 */
export function decodeFrame (bytes: Uint8Array, options: FrameOptions): { message: Uint8Array, bytesRead: number } {
  const prefix = readPrefix(bytes, options.maxFrameBytes)
  if (prefix == null) {
    throw new TruncatedFrameError('input ended inside the length prefix')
  }
  const end = prefix.prefixBytes + prefix.length
  if (bytes.byteLength < end) {
    throw new TruncatedFrameError(`frame needs ${end} bytes but only ${bytes.byteLength} are present`)
  }
  return { message: bytes.subarray(prefix.prefixBytes, end), bytesRead: end }
}
