/**
 * Checks LevelDB's write-ahead logs and manifest (both in LevelDB's log format) before LevelDB opens
 * them. LevelDB's recovery, without paranoid checks (which classic-level does not expose), skips records
 * it cannot read and then deletes the log: a damaged log would be wiped silently and the store would open
 * as if those registrations had never existed. Reading the records first lets the store refuse instead.
 *
 * The format: 32 KiB blocks of records, each a 7-byte header (masked CRC-32C of type and payload, payload
 * length, type 1-4) and the payload; a record never crosses a block boundary, and fewer than 7 bytes left
 * in a block are zero padding.
 */

const BLOCK_BYTES = 32 * 1024
const HEADER_BYTES = 7
const MASK_DELTA = 0xa282ead8

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256)

  for (let i = 0; i < 256; i++) {
    let crc = i

    for (let bit = 0; bit < 8; bit++) {
      crc = (crc & 1) !== 0 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
    }

    table[i] = crc >>> 0
  }

  return table
})()

function crc32c (bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xffffffff

  for (let i = start; i < end; i++) {
    crc = CRC32C_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8)
  }

  return (crc ^ 0xffffffff) >>> 0
}

function unmask (masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0
  return ((rotated >>> 17) | (rotated << 15)) >>> 0
}

function isZero (bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (bytes[i] !== 0) {
      return false
    }
  }

  return true
}

/**
 * The first problem in a file in LevelDB's log format, or `undefined` if every record reads back. A
 * record cut short at the very end of the file is what a crash in the middle of a write leaves: LevelDB
 * ignores it, and so does this check.
 */
export function logProblem (bytes: Buffer): string | undefined {
  let offset = 0

  while (offset < bytes.byteLength) {
    const blockEnd = Math.min(bytes.byteLength, (Math.floor(offset / BLOCK_BYTES) + 1) * BLOCK_BYTES)

    if (blockEnd - offset < HEADER_BYTES) {
      if (blockEnd === bytes.byteLength && !isZero(bytes, offset, blockEnd) && blockEnd % BLOCK_BYTES !== 0) {
        // a header cut short by the end of the file: a torn last write
        return undefined
      }

      if (!isZero(bytes, offset, blockEnd)) {
        return `bytes at offset ${offset} should be block padding (zeros)`
      }

      offset = blockEnd
      continue
    }

    const length = bytes.readUInt16LE(offset + 4)
    const type = bytes[offset + 6]
    const end = offset + HEADER_BYTES + length

    if (type === 0 && length === 0 && isZero(bytes, offset, blockEnd)) {
      // a preallocated, never written tail of the block
      offset = blockEnd
      continue
    }

    if (type < 1 || type > 4) {
      return `the record at offset ${offset} has type ${type}, not 1-4`
    }

    if (end > (Math.floor(offset / BLOCK_BYTES) + 1) * BLOCK_BYTES) {
      return `the record at offset ${offset} claims ${length} bytes, past the end of its block`
    }

    if (end > bytes.byteLength) {
      // cut short by the end of the file: a torn last write, which LevelDB drops as it should
      return undefined
    }

    if (crc32c(bytes, offset + 6, end) !== unmask(bytes.readUInt32LE(offset))) {
      if (isZero(bytes, end, bytes.byteLength) && end + BLOCK_BYTES > bytes.byteLength) {
        // the last record, torn by a crash of the machine (not of the process): LevelDB drops it
        return undefined
      }

      return `the record at offset ${offset} fails its checksum`
    }

    offset = end
  }

  return undefined
}

/** The last 8 bytes of every LevelDB table file (0xdb4775248b80fb57, little-endian) */
const TABLE_MAGIC = Buffer.from([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb])
const TABLE_FOOTER_BYTES = 48

/**
 * The problem with a table file's footer, or `undefined`. Only the footer is read: checking every block
 * would cost a read of the whole database at each open. Damage inside a block is reported by LevelDB
 * when the block is read.
 */
export function tableFooterProblem (size: number, footer: Buffer): string | undefined {
  if (size < TABLE_FOOTER_BYTES) {
    return `the table is ${size} bytes, shorter than its footer`
  }

  if (!footer.subarray(footer.byteLength - TABLE_MAGIC.byteLength).equals(TABLE_MAGIC)) {
    return 'the table does not end with LevelDB\'s table magic number'
  }

  return undefined
}

export { TABLE_FOOTER_BYTES }
