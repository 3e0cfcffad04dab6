/**
 * SQLite's `synchronous` setting. In WAL mode, `NORMAL` writes each commit to the WAL file before the
 * upsert resolves but only fsyncs at checkpoints: a commit survives a crash of the process (SIGKILL
 * included) but the last ones may be lost if the operating system crashes or power fails. `FULL` fsyncs
 * every commit and survives both, at a large cost in upserts per second.
 */
export type Synchronous = 'NORMAL' | 'FULL'

export const DEFAULT_SYNCHRONOUS: Synchronous = 'NORMAL'

/**
 * Page cache per connection, in KiB. The key, namespace, expiry and peer indexes are written at random
 * places; SQLite's default 2 MiB cache makes most upserts read pages back from the OS.
 */
export const CACHE_KIB = 64 * 1024

/**
 * WAL pages between automatic checkpoints (SQLite's default is 1000). A checkpoint copies each distinct
 * page once and, with synchronous=NORMAL, is where the fsyncs happen: fewer, larger checkpoints write the
 * hot pages (the counter row, the tails of the order indexes) once instead of once per thousand pages.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000

/**
 * Bytes of the database file SQLite reads through a memory map instead of `pread` (writes still go through
 * the WAL). Upserts at a million registrations touch pages all over the file; without the map each cache
 * miss is a system call. It reserves address space, not memory: the pages are the OS page cache's.
 */
export const MMAP_BYTES = 1024 * 1024 * 1024
