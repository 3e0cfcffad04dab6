/**
 * SQLite's `synchronous` setting. In WAL mode, `NORMAL` writes each commit to the WAL file before the
 * upsert resolves but only fsyncs at checkpoints: a commit survives a crash of the process (SIGKILL
 * included) but the last ones may be lost if the operating system crashes or power fails. `FULL` fsyncs
 * every commit and survives both, at a large cost in upserts per second.
 */
export type Synchronous = 'NORMAL' | 'FULL'

export const DEFAULT_SYNCHRONOUS: Synchronous = 'NORMAL'

/**
 * Page cache per connection, in KiB (SQLite's default is about 2 MiB). Reads of the database file go
 * through the memory map below, so the cache mostly holds the pages a transaction writes; and SQLite walks
 * the cache's hash table at the end of every write transaction, which at 64 MiB cost more than the
 * cache saved: 2 MiB instead of 64 MiB gave about 15% more upserts per CPU-second at 100k registrations.
 */
export const CACHE_KIB = 2 * 1024

/**
 * WAL pages between automatic checkpoints (SQLite's default is 1000). A checkpoint copies each distinct
 * page once and, with synchronous=NORMAL, is where the fsyncs happen: fewer, larger checkpoints write the
 * hot pages (the tails of the order indexes) once instead of once per thousand pages, and the random ones
 * more often once for several upserts. 20,000 pages of 2 KiB is a WAL of about 40 MiB, as 10,000 pages of
 * 4 KiB were before; it gave about 13% more upserts per CPU-second at 100k than 10,000 pages (40,000 pages
 * another 3%, for twice the disk).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 20_000

/**
 * Bytes of the database file SQLite reads through a memory map instead of `pread` (writes still go through
 * the WAL). Upserts at a million registrations touch pages all over the file; without the map each cache
 * miss is a system call. It reserves address space, not memory: the pages are the OS page cache's.
 */
export const MMAP_BYTES = 1024 * 1024 * 1024

/**
 * Page size of a database this code creates (SQLite's default is 4096). Each page a transaction dirties
 * is appended to the WAL whole, and a refresh dirties about nine (five at random places), so half the page is
 * half the bytes copied and checksummed per upsert: about 10% more upserts per CPU-second at 100k. A
 * discover page then spans twice as many (smaller) pages, between no and 10% slower in the same runs.
 * Smaller is worse: at 1024 a registration (a 170-byte envelope and a 52-character peer ID) no longer
 * fits in a leaf cell and spills onto an overflow page. The page size of an existing file is never
 * changed (that would need a VACUUM, rewriting the file).
 */
export const NEW_DATABASE_PAGE_BYTES = 2048

/**
 * Positions reserved per write of the high-water mark in `position_counter`. Positions are handed out
 * from memory and the mark is written, in the transaction of the upsert that needs it, once per block
 * instead of once per upsert; a restart continues above the mark, skipping what was left of the block.
 */
export const POSITION_BLOCK = 4096
