import { StoreFileError } from '@rendezvous/store'

/**
 * The database file is held by another store: another process, or another connection in this one. The
 * store keeps its row count and next position in memory, so it locks the file until it is closed. Nothing
 * was written.
 */
export class StoreLockedError extends StoreFileError {
  static readonly name = 'StoreLockedError'
  override readonly name = 'StoreLockedError'
}
