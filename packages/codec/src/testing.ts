/**
 * @packageDocumentation
 *
 * Test material for this codec and for other implementations of the three dialects, kept off the main
 * entry point (`@rendezvous/codec`) because nothing but a test needs it: byte-exact frames of every dialect
 * ({@link goldenVectors}) and one signed peer record in each record format (the `GOLDEN_*_HEX` envelopes,
 * sealed by the Ed25519 key whose seed is `01 02 … 20`).
 *
 * @example
 *
 * ```TypeScript
 * import { dialect, decodeFrame, DEFAULT_MAX_RESPONSE_BYTES } from '@rendezvous/codec'
 * import { goldenVectors } from '@rendezvous/codec/testing'
 * import { fromString } from 'uint8arrays/from-string'
 *
 * for (const vector of goldenVectors) {
 *   const { message } = decodeFrame(fromString(vector.frame, 'base16'), { maxFrameBytes: DEFAULT_MAX_RESPONSE_BYTES })
 *   console.info(vector.name, dialect(vector.dialect).decode(message))
 * }
 * ```
 */

export { goldenVectors, GOLDEN_ENVELOPE_HEX, GOLDEN_WAKU_ENVELOPE_HEX, GOLDEN_RUST_ENVELOPE_HEX } from './golden-vectors.ts'
export type { GoldenVector } from './golden-vectors.ts'
