/**
 * Every statement the store runs, prepared once at open. Each read names the index it must use, so a
 * planner misjudgement can never turn a query into a scan of the table (test/queries-use-indexes.spec.ts
 * checks the plans).
 */

const COLUMNS = 'position, namespace, peer_id, signed_peer_record, ttl, registered_at, expires_at'

export const QUERIES = {
  insert: `INSERT INTO registrations (namespace, peer_id, signed_peer_record, ttl, registered_at, expires_at)
    VALUES (?, ?, ?, ?, ?, ?) RETURNING position`,

  removeKey: `DELETE FROM registrations INDEXED BY registrations_by_peer
    WHERE peer_id = ? AND namespace = ? RETURNING expires_at`,

  removePeer: `DELETE FROM registrations INDEXED BY registrations_by_peer
    WHERE peer_id = ? RETURNING expires_at`,

  // `namespace IS NOT NULL` holds for every row, so one statement serves with and without an exclusion
  countByPeer: `SELECT count(*) FROM registrations INDEXED BY registrations_by_peer
    WHERE peer_id = ? AND namespace IS NOT ? AND expires_at > ?`,

  // the table itself is ordered by position (the rowid): a range of it answers the global order
  discoverAll: `SELECT ${COLUMNS} FROM registrations
    WHERE position > ? AND expires_at > ? ORDER BY position LIMIT ?`,

  // order and liveness are resolved in the namespace index; the table is read only for the rows returned
  discoverNamespace: `SELECT ${COLUMNS} FROM registrations INDEXED BY registrations_by_namespace
    WHERE namespace = ? AND position > ? AND expires_at > ? ORDER BY position LIMIT ?`,

  // the random order is drawn over the namespace index alone; only the chosen rows are read from the table
  sample: `SELECT ${COLUMNS.split(', ').map(column => `r.${column}`).join(', ')} FROM (
      SELECT position FROM registrations INDEXED BY registrations_by_namespace
      WHERE namespace = ? AND expires_at > ? ORDER BY random() LIMIT ?
    ) AS chosen JOIN registrations AS r ON r.position = chosen.position`,

  expire: `DELETE FROM registrations INDEXED BY registrations_by_expiry
    WHERE expires_at <= ?`,

  // rows stored (kept by triggers) minus rows expired but not yet deleted: costs what expire() would delete
  count: `SELECT (SELECT n FROM registration_count WHERE id = 0)
    - (SELECT count(*) FROM registrations INDEXED BY registrations_by_expiry WHERE expires_at <= ?)`
} as const
