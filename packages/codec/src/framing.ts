import { decode as lpDecode, encode as lpEncode } from 'it-length-prefixed'
import { Uint8ArrayList } from 'uint8arraylist'
import { TruncatedFrameError } from './errors.ts'
import { decoderOptions, lengthPrefixReader, readLength, typedError } from './length-prefix-reader.ts'
import type { LengthPrefixReader } from './length-prefix-reader.ts'

/**
 * Every dialect frames each protobuf message with an unsigned-varint length prefix (what
 * it-length-prefixed and Go's delimited writers produce).
 */
export interface FrameOptions {
  /**
   * The largest message the caller accepts. Checked while the length prefix is read, before any
   * buffer of the announced size exists, so a peer cannot make us allocate by lying about a length.
   */
  maxFrameBytes: number
}

// what we send is limited by the receiver, which sets its own limit (a DISCOVER_RESPONSE may be large)
const ENCODE_OPTIONS = { maxDataLength: Number.MAX_SAFE_INTEGER }

/**
 * Prefix a message with its length (it-length-prefixed's encoder). A small frame is a view into Node's shared
 * buffer pool, as libp2p's own frames are: read it through its offset and length, never through `.buffer` alone.
 */
export function encodeFrame (message: Uint8Array): Uint8Array {
  return lpEncode.single(message, ENCODE_OPTIONS).subarray()
}

/**
 * Splits a byte stream into frames. Feed it chunks with {@link FrameDecoder.push}, take complete
 * messages with {@link FrameDecoder.next}, and call {@link FrameDecoder.end} when the input ends.
 *
 * It reads each prefix with the length reader this codec gives it-length-prefixed's decoder in
 * {@link decodeFrames}, with the same checks, but not with that decoder: its generator cannot wait for a
 * chunk not yet pushed, so it would have to be made again for each frame, and making it costs many times
 * what reading a frame does (the framing benchmark, figures in this package's README).
 */
export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList()
  private readonly reader: LengthPrefixReader
  /** The frame at the head of the buffer, once its prefix has been read */
  private pending?: { prefixBytes: number, length: number }

  constructor (options: FrameOptions) {
    this.reader = lengthPrefixReader(options.maxFrameBytes)
  }

  /** Bytes received and not yet returned as a frame */
  get bufferedBytes (): number {
    return this.buffer.byteLength
  }

  /** Append a chunk of the stream; nothing is read until {@link FrameDecoder.next} */
  push (chunk: Uint8Array | Uint8ArrayList): void {
    this.buffer.append(chunk)
  }

  /**
   * The next complete message, without its prefix, or `undefined` when more bytes are needed.
   *
   * @throws {FrameTooLargeError | InvalidLengthPrefixError}
   */
  next (): Uint8Array | undefined {
    if (this.pending == null) {
      const length = readLength(this.reader, this.buffer)
      if (length == null) {
        return undefined
      }
      this.pending = { prefixBytes: this.reader.bytes, length }
    }
    const { prefixBytes, length } = this.pending
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
 * Yield each message of a byte stream as soon as its last byte arrives (it-length-prefixed's decoder,
 * with this codec's length reader). Ends when the source ends on a frame boundary.
 *
 * @throws {TruncatedFrameError | FrameTooLargeError | InvalidLengthPrefixError}
 */
export async function * decodeFrames (source: AsyncIterable<Uint8Array | Uint8ArrayList> | Iterable<Uint8Array | Uint8ArrayList>, options: FrameOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = lengthPrefixReader(options.maxFrameBytes)
  // it-length-prefixed ends without an error when the input ends right after a prefix (it checks only for
  // buffered bytes, and has consumed the prefix): the length it read says a frame is still owed
  let owed: number | undefined
  try {
    for await (const frame of lpDecode(source, decoderOptions(reader, length => { owed = length }))) {
      owed = undefined
      yield frame.subarray()
    }
  } catch (err) {
    throw typedError(err, reader, 'input ended inside a frame')
  }
  if (owed != null) {
    throw new TruncatedFrameError(`input ended after the length prefix of a frame of ${owed} bytes`)
  }
}

// decodeFrame runs to its end before anything else can, so one reader serves all its calls with the same limit
let lastOneShotReader: LengthPrefixReader | undefined

function oneShotReader (maxFrameBytes: number): LengthPrefixReader {
  if (lastOneShotReader?.maxFrameBytes !== maxFrameBytes) {
    lastOneShotReader = lengthPrefixReader(maxFrameBytes)
  }
  return lastOneShotReader
}

/**
 * Decode exactly one frame at the start of `bytes`. Like {@link FrameDecoder}, it reads the prefix as
 * {@link decodeFrames} does, without it-length-prefixed's generator, whose making costs more than the rest.
 *
 * @returns the message and the number of bytes the frame took (prefix included)
 * @throws {TruncatedFrameError | FrameTooLargeError | InvalidLengthPrefixError}
 */
export function decodeFrame (bytes: Uint8Array, options: FrameOptions): { message: Uint8Array, bytesRead: number } {
  const reader = oneShotReader(options.maxFrameBytes)
  const length = readLength(reader, new Uint8ArrayList(bytes))
  if (length == null) {
    throw new TruncatedFrameError('input ended inside the length prefix')
  }
  const end = reader.bytes + length
  if (bytes.byteLength < end) {
    throw new TruncatedFrameError(`frame needs ${end} bytes but only ${bytes.byteLength} are present`)
  }
  return { message: bytes.subarray(reader.bytes, end), bytesRead: end }
}
