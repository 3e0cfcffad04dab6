/** The server settings of the benchmarks, in the README beside their tables. fsync and synchronous_commit stay on */
export const BENCH_SETTINGS = {
  shared_buffers: '1GB',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  // full-page images (the first change of each page after a checkpoint) make most of a refresh's WAL
  wal_compression: 'lz4',
  max_connections: '100'
}
