/**
 * SQLite's `synchronous` setting. In WAL mode, `NORMAL` writes each commit to the WAL file before the
 * upsert resolves but only fsyncs at checkpoints: a commit survives a crash of the process (SIGKILL
 * included) but the last ones may be lost if the operating system crashes or power fails. `FULL` fsyncs
 * every commit and survives both, at a large cost in upserts per second.
 */
export type Synchronous = 'NORMAL' | 'FULL'

export const DEFAULT_SYNCHRONOUS: Synchronous = 'NORMAL'
