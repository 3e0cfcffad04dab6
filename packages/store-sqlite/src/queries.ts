/**
 * Every statement the store runs, prepared once at open. Reads name the index they must use, so a
 * planner misjudgement can never turn one into a scan of the table (test/queries-use-indexes.spec.ts
 * checks the plans).
 *
 * Discover reads a page in two statements over the same rows: one for the small columns, one for the
 * envelopes concatenated into a single BLOB. better-sqlite3 makes a separate Node.js Buffer for every
 * BLOB it returns, and at 100 rows that costs more than the query itself; one Buffer, handed out as 100
 * views, does not. `group_concat` of BLOBs is byte-exact in a UTF-8 database (BLOB to TEXT and back
 * reinterprets the bytes, it does not transcode them), which the store checks at open.
 */

const PAGE_COLUMNS = 'position, namespace, peer_id, ttl, registered_at, expires_at, length(signed_peer_record), format'

// one format's page: the store merges the pages of the formats it was asked for, or of every format
// present when it was asked for all (see sqlite-store.ts). In a namespace, one range of the primary key
const NAMESPACE_FORMAT_PAGE = `FROM registrations
  WHERE namespace = ? AND format = ? AND position > ? AND expires_at > ? ORDER BY position LIMIT ?`

const FORMAT_PAGE = `FROM registrations INDEXED BY registrations_by_format
  WHERE format = ? AND position > ? AND expires_at > ? ORDER BY position LIMIT ?`

/** The sampled rows, read by primary key once chosen */
const SAMPLED = 'SELECT r.position, r.namespace, r.peer_id, r.ttl, r.registered_at, r.expires_at, r.signed_peer_record, r.format'

export const QUERIES = {
  // the mark every position handed out stays at or below; written once per block of positions
  positionMark: 'SELECT last FROM position_counter WHERE id = 0',
  reservePositions: 'UPDATE position_counter SET last = ? WHERE id = 0',

  insert: `INSERT INTO registrations (namespace, position, peer_id, signed_peer_record, ttl, registered_at, expires_at, format)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,

  removeKey: `DELETE FROM registrations INDEXED BY registrations_by_peer
    WHERE peer_id = ? AND namespace = ? RETURNING expires_at`,

  removePeer: `DELETE FROM registrations INDEXED BY registrations_by_peer
    WHERE peer_id = ? RETURNING expires_at`,

  // `namespace IS NOT NULL` holds for every row, so one statement serves with and without an exclusion
  countByPeer: `SELECT count(*) FROM registrations INDEXED BY registrations_by_peer
    WHERE peer_id = ? AND namespace IS NOT ? AND expires_at > ?`,

  discoverNamespaceFormat: `SELECT ${PAGE_COLUMNS} ${NAMESPACE_FORMAT_PAGE}`,
  discoverNamespaceFormatEnvelopes: `SELECT CAST(group_concat(signed_peer_record, '' ORDER BY position) AS BLOB) FROM (
    SELECT position, signed_peer_record ${NAMESPACE_FORMAT_PAGE})`,

  // discover across namespaces, with or without a filter: one format's range, merged by the store
  discoverFormat: `SELECT ${PAGE_COLUMNS} ${FORMAT_PAGE}`,
  discoverFormatEnvelopes: `SELECT CAST(group_concat(signed_peer_record, '' ORDER BY position) AS BLOB) FROM (
    SELECT position, signed_peer_record ${FORMAT_PAGE})`,

  // the random order is drawn over an index of the namespace alone (its formats, expiries and positions
  // are in it); only the chosen rows are read
  sample: `${SAMPLED} FROM (
      SELECT format, position FROM registrations INDEXED BY registrations_by_namespace_format_expiry
      WHERE namespace = @namespace AND expires_at > @now ORDER BY random() LIMIT @limit
    ) AS chosen JOIN registrations AS r ON r.namespace = @namespace AND r.format = chosen.format AND r.position = chosen.position`,

  // the same over the listed formats (a JSON array): one range of the index per format
  sampleFormats: `${SAMPLED} FROM (
      SELECT format, position FROM registrations INDEXED BY registrations_by_namespace_format_expiry
      WHERE namespace = @namespace AND format IN (SELECT value FROM json_each(@formats)) AND expires_at > @now
      ORDER BY random() LIMIT @limit
    ) AS chosen JOIN registrations AS r ON r.namespace = @namespace AND r.format = chosen.format AND r.position = chosen.position`,

  // the formats present, at open: one seek per format in registrations_by_format (a loose index scan)
  formatsPresent: `WITH RECURSIVE present(format) AS (
      SELECT (SELECT min(format) FROM registrations INDEXED BY registrations_by_format)
      UNION ALL
      SELECT (SELECT min(format) FROM registrations INDEXED BY registrations_by_format WHERE format > present.format)
      FROM present WHERE present.format IS NOT NULL
    ) SELECT format FROM present WHERE format IS NOT NULL`,

  expire: `DELETE FROM registrations INDEXED BY registrations_by_expiry
    WHERE expires_at <= ?`,

  // count() is the rows stored (counted in memory) minus these: it costs what expire() would delete
  countExpired: 'SELECT count(*) FROM registrations INDEXED BY registrations_by_expiry WHERE expires_at <= ?'
} as const
