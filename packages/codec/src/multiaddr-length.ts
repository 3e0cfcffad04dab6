import { CODE_DCCP, CODE_IP4, CODE_IP6, CODE_SCTP, CODE_TCP, CODE_UDP, multiaddr, registry } from '@multiformats/multiaddr'

/**
 * Protocols of a fixed value size whose parser and validator accept every value of that size: any 4 bytes
 * are a dotted quad, any 16 bytes an IPv6 address, any 2 bytes a port of at most 65535
 * (test/multiaddr-lengths-agree-with-multiaddr.spec.ts draws random values of each against `multiaddr()`)
 */
const ANY_VALUE_BYTES = new Map<number, number>([
  [CODE_IP4, 4], [CODE_IP6, 16], [CODE_TCP, 2], [CODE_UDP, 2], [CODE_DCCP, 2], [CODE_SCTP, 2]
])

/** A protocol the registry knows without a value (`/tls`, `/quic-v1`, `/ws`, `/p2p-circuit`…): it has nothing to validate */
function isValueless (code: number): boolean {
  try {
    const size = registry.getProtocol(code).size
    return size == null || size === 0
  } catch {
    return false
  }
}

/**
 * Whether the bytes are a multiaddr made only of components that need no parsing to be valid: protocol
 * codes of one or two minimal varint bytes, each either valueless or of a size in `ANY_VALUE_BYTES`, the
 * last one ending exactly at the end. `multiaddr(bytes)` accepts all of these and its `bytes` are then the
 * input itself; anything else is left to `multiaddr()`.
 */
function isPlainMultiaddr (bytes: Uint8Array): boolean {
  const end = bytes.byteLength
  if (end === 0) {
    return false
  }
  let i = 0
  while (i < end) {
    let code = bytes[i++]
    if (code >= 0x80) {
      const high = bytes[i++]
      // past the end, a third varint byte, or a non-minimal second byte
      if (high == null || high === 0 || high >= 0x80) {
        return false
      }
      code = (code & 0x7f) | (high << 7)
    }
    const size = ANY_VALUE_BYTES.get(code)
    if (size != null) {
      i += size
    } else if (!isValueless(code)) {
      return false
    }
  }
  return i === end
}

/**
 * The length of a binary multiaddr as `multiaddr(bytes).bytes` has it, without building the object when
 * the bytes are plain (see `isPlainMultiaddr`): what a rendezvous point needs of a record's addresses.
 *
 * @throws {Error} whatever `multiaddr()` throws for bytes that are not a multiaddr
 */
export function multiaddrByteLength (bytes: Uint8Array): number {
  return isPlainMultiaddr(bytes) ? bytes.byteLength : multiaddr(bytes).bytes.byteLength
}
