import { peerIdFromString } from '@libp2p/peer-id'
import { DEFAULT_MAX_RESPONSE_BYTES, decodeFrame, encodeMessageFrame } from '@rendezvous/codec'
import { compare as uint8ArrayCompare } from 'uint8arrays/compare'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { CaseFailure } from './case.ts'
import type { Dialect, RendezvousMessage } from '@rendezvous/codec'

/** Hex of bytes, lowercase, as go-rdv prints them */
export function toHex (bytes: Uint8Array): string {
  return uint8ArrayToString(bytes, 'base16')
}

export function fromHex (hex: string): Uint8Array {
  return uint8ArrayFromString(hex, 'base16')
}

/**
 * Decode one length-prefixed frame (hex) with the codec; the frame must be exactly one frame.
 *
 * @throws {CaseFailure} when it is not
 */
export function decodeFrameHex (dialect: Dialect, hex: string | undefined, what: string): RendezvousMessage {
  if (hex == null) {
    throw new CaseFailure(`${what}: no frame`)
  }
  try {
    const bytes = fromHex(hex)
    const { message, bytesRead } = decodeFrame(bytes, { maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES })
    if (bytesRead !== bytes.byteLength) {
      throw new Error(`${bytes.byteLength - bytesRead} bytes after the frame`)
    }
    return dialect.decode(message)
  } catch (err: any) {
    throw new CaseFailure(`${what}: the codec cannot decode ${hex.slice(0, 64)}…: ${err.message}`)
  }
}

/** The frame the codec writes for `message`, hex */
export function encodeFrameHex (dialect: Dialect, message: RendezvousMessage): string {
  return toHex(encodeMessageFrame(dialect, message))
}

/** A message as comparable text: byte fields as hex, absent fields left out */
export function canonical (message: unknown): string {
  return JSON.stringify(message, (_, value) => {
    if (value instanceof Uint8Array) {
      return toHex(value)
    }
    return typeof value === 'bigint' ? value.toString() : value
  })
}

/**
 * Peer IDs in the order of their binary multihash, which is the order of go-waku-rendezvous's store keys
 * (0x01 ‖ ns ‖ 0xFF ‖ peer ID bytes)
 */
export function sortByKeyOrder (peerIds: string[]): string[] {
  const withBytes = peerIds.map(id => ({ id, bytes: peerIdFromString(id).toMultihash().bytes }))
  withBytes.sort((a, b) => uint8ArrayCompare(a.bytes, b.bytes))
  return withBytes.map(p => p.id)
}
