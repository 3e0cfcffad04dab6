/**
 * The layout version this code writes; a database at a higher version is refused, one at version 1 (before
 * record formats) is migrated at open
 */
export const SCHEMA_VERSION = 2

/**
 * A file beside LevelDB's own that repeats the schema version. It is read before LevelDB opens the
 * directory, because LevelDB's recovery at open rewrites its log into table files: a database from a
 * newer version is refused before a byte of it changes.
 */
export const SCHEMA_FILE = 'RENDEZVOUS_SCHEMA'

/** How many index entries one step of a scan reads at once */
export const SCAN_CHUNK = 1000

/** The most bytes one `nextv` of a scan gathers before it returns (classic-level's default is 16 KiB) */
export const READ_BUDGET_BYTES = 1024 * 1024
