/** The order of the secp256k1 group (SEC 2, section 2.4.1) */
const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const HALF_ORDER = ORDER >> 1n

/** The positive DER INTEGER at `at` in its minimal encoding, its value in 1 … n-1: the value and where the next one starts */
function readInteger (signature: Uint8Array, at: number): { value: bigint, next: number } | undefined {
  if (signature[at] !== 0x02) {
    return undefined
  }
  const length = signature[at + 1]
  const start = at + 2
  const end = start + length
  // at most 33 bytes (32 and a sign byte), inside the signature
  if (length == null || length < 1 || length > 33 || end > signature.byteLength) {
    return undefined
  }
  // positive, and no zero byte that is not needed for the sign
  if (signature[start] >= 0x80 || (length > 1 && signature[start] === 0 && signature[start + 1] < 0x80)) {
    return undefined
  }
  let value = 0n
  for (let i = start; i < end; i++) {
    value = (value << 8n) | BigInt(signature[i])
  }
  if (value < 1n || value >= ORDER) {
    return undefined
  }
  return { value, next: end }
}

/**
 * Whether a secp256k1 ECDSA signature is one that `@libp2p/crypto` (on `@noble/curves`) and OpenSSL read
 * alike and judge alike: strict DER (`SEQUENCE { INTEGER r, INTEGER s }`, short lengths, minimal integers,
 * nothing after), `r` and `s` in 1 … n-1, and `s` in the lower half, which `@noble/curves` requires by
 * default (a signature with a high `s` is refused there and accepted by OpenSSL). For such a signature the
 * two compute the same ECDSA verification; any other is left to `@libp2p/crypto`.
 */
export function isPlainSecp256k1Signature (signature: Uint8Array): boolean {
  if (signature.byteLength < 8 || signature[0] !== 0x30 || signature[1] !== signature.byteLength - 2) {
    return false
  }
  const r = readInteger(signature, 2)
  const s = r == null ? undefined : readInteger(signature, r.next)
  return s != null && s.next === signature.byteLength && s.value <= HALF_ORDER
}
