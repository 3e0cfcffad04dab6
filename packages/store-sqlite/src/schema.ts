/**
 * One migration: the SQL that takes a database from `version - 1` to `version`.
 * Migrations only ever append to this list; a released one is never edited.
 */
export interface Migration {
  version: number
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [{
  version: 1,
  sql: `
    -- Clustered by (namespace, position): the registrations of one namespace sit together in position
    -- order, so discover in a namespace reads a few adjacent pages instead of one page per row.
    CREATE TABLE registrations (
      namespace TEXT NOT NULL,
      position INTEGER NOT NULL,
      peer_id TEXT NOT NULL,
      signed_peer_record BLOB NOT NULL,
      ttl INTEGER NOT NULL,
      registered_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (namespace, position)
    ) WITHOUT ROWID;

    -- one registration per (peer, namespace); peer first, so the same index answers countByPeer and
    -- removePeer. Like every index of a WITHOUT ROWID table it carries the primary key, (namespace, position).
    CREATE UNIQUE INDEX registrations_by_peer ON registrations (peer_id, namespace);

    -- the global order, for discover across all namespaces
    CREATE INDEX registrations_by_position ON registrations (position, expires_at);

    -- sample: the live positions of one namespace without reading the rows
    CREATE INDEX registrations_by_namespace_expiry ON registrations (namespace, expires_at);

    -- expire and count
    CREATE INDEX registrations_by_expiry ON registrations (expires_at);

    -- the last position handed out. Kept apart from the rows, so it never goes backwards when the
    -- registration holding the highest position is removed, also across restarts.
    CREATE TABLE position_counter (
      id INTEGER PRIMARY KEY CHECK (id = 0),
      last INTEGER NOT NULL
    );
    INSERT INTO position_counter (id, last) VALUES (0, 0);

    -- the number of stored rows, kept by triggers so count() need not scan the table
    CREATE TABLE registration_count (
      id INTEGER PRIMARY KEY CHECK (id = 0),
      n INTEGER NOT NULL
    );
    INSERT INTO registration_count (id, n) VALUES (0, 0);

    CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations
    BEGIN UPDATE registration_count SET n = n + 1 WHERE id = 0; END;

    CREATE TRIGGER registrations_count_delete AFTER DELETE ON registrations
    BEGIN UPDATE registration_count SET n = n - 1 WHERE id = 0; END;
  `
}, {
  version: 2,
  sql: `
    -- The row count moves into the store's memory (counted once at open; the file is locked to one
    -- connection, so nothing else changes it): the count row was a page of its own written by every
    -- upsert that added a registration, and by every removal.
    DROP TRIGGER registrations_count_insert;
    DROP TRIGGER registrations_count_delete;
    DROP TABLE registration_count;

    -- position_counter.last changes meaning, from "the last position handed out" to "a mark no position
    -- handed out is above": the store reserves positions in blocks and writes the mark once per block.
    -- A version 1 value satisfies the new meaning as it is.
  `
}, {
  version: 3,
  sql: `
    -- Record formats. A rendezvous point serves each requester the formats it reads, so nearly every
    -- discover names its formats: the table is rebuilt clustered by (namespace, format, position), and a
    -- discover of one format in a namespace reads a few adjacent pages as discover in a namespace did.
    -- Without a filter, the store merges the ranges of the formats present. Every registration stored
    -- before formats existed was a standard libp2p signed peer record.
    CREATE TABLE registrations_v3 (
      namespace TEXT NOT NULL,
      format TEXT NOT NULL,
      position INTEGER NOT NULL,
      peer_id TEXT NOT NULL,
      signed_peer_record BLOB NOT NULL,
      ttl INTEGER NOT NULL,
      registered_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (namespace, format, position)
    ) WITHOUT ROWID;

    INSERT INTO registrations_v3 (namespace, format, position, peer_id, signed_peer_record, ttl, registered_at, expires_at)
      SELECT namespace, 'standard', position, peer_id, signed_peer_record, ttl, registered_at, expires_at FROM registrations;

    -- its indexes go with it
    DROP TABLE registrations;
    ALTER TABLE registrations_v3 RENAME TO registrations;

    CREATE UNIQUE INDEX registrations_by_peer ON registrations (peer_id, namespace);

    -- discover across namespaces: one range per format in position order, merged by the store (with a
    -- filter, of the listed formats; without, of every format present), then the rows by primary key
    CREATE INDEX registrations_by_format ON registrations (format, position, expires_at);

    -- sample: the live positions of one namespace (of some formats) without reading the rows
    CREATE INDEX registrations_by_namespace_format_expiry ON registrations (namespace, format, expires_at);

    -- expire and count
    CREATE INDEX registrations_by_expiry ON registrations (expires_at);
  `
}]

/** The schema version this code writes; a database at a higher version is refused */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
