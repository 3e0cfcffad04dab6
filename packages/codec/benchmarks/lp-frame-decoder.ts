import { decode as lpDecode } from 'it-length-prefixed'
import { Uint8ArrayList } from 'uint8arraylist'
import { TruncatedFrameError } from '../src/errors.ts'
import { decoderOptions, lengthPrefixReader, typedError } from '../src/length-prefix-reader.ts'
import type { FrameOptions } from '../src/framing.ts'
import type { LengthPrefixReader } from '../src/length-prefix-reader.ts'
import type { DecoderOptions } from 'it-length-prefixed'

/**
 * Side A of the framing benchmark (`framing.ts` here): `FrameDecoder` and `decodeFrame` with every frame
 * read by it-length-prefixed's decoder, the candidate the benchmark measures against the codec's own loop
 * (side B, what ships). The decoder's generator cannot wait for a chunk not yet pushed, so `next()` makes one
 * over the bytes buffered so far and takes one frame from it. Nothing in `src/` uses it.
 */
export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList()
  private readonly reader: LengthPrefixReader
  private readonly options: DecoderOptions
  /** Bytes the frame at the head of the buffer takes, prefix included, once its prefix has been read (else 0) */
  private needed = 0

  constructor (options: FrameOptions) {
    this.reader = lengthPrefixReader(options.maxFrameBytes)
    this.options = decoderOptions(this.reader, length => {
      this.needed = this.reader.bytes + length
    })
  }

  push (chunk: Uint8Array | Uint8ArrayList): void {
    this.buffer.append(chunk)
  }

  next (): Uint8Array | undefined {
    if (this.buffer.byteLength === 0 || this.buffer.byteLength < this.needed) {
      return undefined
    }
    this.needed = 0
    let frame: IteratorResult<Uint8ArrayList, void>
    try {
      frame = lpDecode([this.buffer], this.options).next()
    } catch (err) {
      if ((err as Error).name === 'UnexpectedEOFError') {
        return undefined
      }
      throw typedError(err, this.reader, '')
    }
    if (frame.done === true) {
      return undefined
    }
    const message = frame.value.subarray()
    this.buffer.consume(this.reader.bytes + message.byteLength)
    this.needed = 0
    return message
  }
}

/** `decodeFrame` on it-length-prefixed's decoder */
export function decodeFrame (bytes: Uint8Array, options: FrameOptions): { message: Uint8Array, bytesRead: number } {
  const reader = lengthPrefixReader(options.maxFrameBytes)
  let frame: IteratorResult<Uint8ArrayList, void>
  try {
    frame = lpDecode([bytes], decoderOptions(reader)).next()
  } catch (err) {
    throw typedError(err, reader, `frame needs more than the ${bytes.byteLength} bytes present`)
  }
  if (frame.done === true) {
    throw new TruncatedFrameError('input ended inside the length prefix')
  }
  const message = frame.value.subarray()
  return { message, bytesRead: reader.bytes + message.byteLength }
}
