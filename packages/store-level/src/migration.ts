import { CorruptStoreError } from '@rendezvous/store'
import { SCAN_CHUNK } from './constants.ts'
import {
  KEY_MIGRATION, KEY_SCHEMA_VERSION, PREFIX_NAMESPACE_ORDER, expiryKey, expiryValue, formatPrefix, namespaceOrderKey, orderKey,
  readPosition, recordKey, registrationKey, registrationKeyBody
} from './keys.ts'
import { VERSION_1_HEADER_BYTES, encodeLocation, encodeRecordFields, withExpiry } from './record.ts'
import type { Level } from './database.ts'

/** The format of every registration stored before formats existed: a standard libp2p signed peer record */
const LEGACY_FORMAT = Buffer.from('standard', 'latin1')

const RECORDS_START = Buffer.of(PREFIX_NAMESPACE_ORDER)
const RECORDS_END = Buffer.of(PREFIX_NAMESPACE_ORDER + 1)

type Operation = { type: 'put', key: Buffer, value: Buffer } | { type: 'del', key: Buffer }

/**
 * Migrates up to `chunk` records of schema version 1 that come after the record key `after` (from the
 * first when `undefined`), in one atomic batch that also records the last key migrated (`m·migration`), so
 * a migration interrupted by a crash resumes where its last batch ended and never migrates a record twice.
 * Each record gets the format `'standard'`: it moves from `n` (namespace, position) to `f` (namespace,
 * format, position) with the format in it, its registration key and expiry entry carry the format, its
 * entry in the global format order `g` is added, and its entry in the version 1 global order `o` (which
 * version 2 reads from `g`) is deleted. Positions, the counter and the peer index are unchanged. Resolves the last key migrated, or `undefined` when none was left.
 */
export async function migrateRecords (db: Level, path: string, after: Buffer | undefined, chunk: number = SCAN_CHUNK): Promise<Buffer | undefined> {
  const entries = await db.iterator({ ...(after === undefined ? { gte: RECORDS_START } : { gt: after }), lt: RECORDS_END, limit: chunk }).all()

  if (entries.length === 0) {
    return undefined
  }

  const operations: Operation[] = []

  for (const [key, value] of entries) {
    const namespace = key.subarray(2, 2 + key[1])

    if (key.byteLength !== 2 + namespace.byteLength + 8 || value.byteLength < VERSION_1_HEADER_BYTES || value.byteLength < VERSION_1_HEADER_BYTES + value.readUInt16BE(32)) {
      throw new CorruptStoreError(path, `key ${key.toString('hex')}: not a record of schema version 1`)
    }

    const expiresAt = value.readDoubleBE(0)
    const position = readPosition(value, 8)
    const peerEnd = VERSION_1_HEADER_BYTES + value.readUInt16BE(32)
    const peer = value.subarray(VERSION_1_HEADER_BYTES, peerEnd)
    const body = registrationKeyBody(namespace, peer)

    operations.push(
      { type: 'put', key: recordKey(namespace, LEGACY_FORMAT, position), value: encodeRecordFields(expiresAt, position, value.readDoubleBE(16), value.readDoubleBE(24), peer, LEGACY_FORMAT, value.subarray(peerEnd)) },
      { type: 'del', key },
      { type: 'put', key: registrationKey(body), value: encodeLocation(position, expiresAt, LEGACY_FORMAT) },
      { type: 'put', key: expiryKey(expiresAt, position), value: expiryValue(LEGACY_FORMAT, body) },
      { type: 'put', key: namespaceOrderKey(formatPrefix(LEGACY_FORMAT), position), value: withExpiry(expiresAt, body) },
      { type: 'del', key: orderKey(position) }
    )
  }

  const last = entries[entries.length - 1][0]
  operations.push({ type: 'put', key: KEY_MIGRATION, value: last })
  await db.batch(operations)

  return last
}

/**
 * Takes a database from schema version 1 to 2, resuming an interrupted migration: records in batches of
 * {@link SCAN_CHUNK} (a large database is never held in one batch), then the new version and the removal
 * of the progress key in one last batch, written with sync.
 */
export async function migrateToVersion2 (db: Level, path: string, versionValue: Buffer): Promise<void> {
  let after = await db.get(KEY_MIGRATION)

  while (true) {
    const last = await migrateRecords(db, path, after)

    if (last === undefined) {
      break
    }

    after = last
  }

  await db.batch([
    { type: 'put', key: KEY_SCHEMA_VERSION, value: versionValue },
    { type: 'del', key: KEY_MIGRATION }
  ], { sync: true })
}
