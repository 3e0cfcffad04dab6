/** The bytes Noise passes to its cryptography: an array, or a list of chunks (`Uint8ArrayList`) that `subarray()` joins */
export type NoiseBytes = Uint8Array | { subarray(): Uint8Array }

/** The bytes as one array: the array itself, or the chunks joined */
export function joined (bytes: NoiseBytes): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : bytes.subarray()
}
