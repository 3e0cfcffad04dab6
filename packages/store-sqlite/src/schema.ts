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
    -- position is the store's order. AUTOINCREMENT (rather than a plain rowid) guarantees a new row never
    -- reuses the position of a deleted one, so the order never goes backwards, also across restarts.
    CREATE TABLE registrations (
      position INTEGER PRIMARY KEY AUTOINCREMENT,
      namespace TEXT NOT NULL,
      peer_id TEXT NOT NULL,
      signed_peer_record BLOB NOT NULL,
      ttl INTEGER NOT NULL,
      registered_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );

    -- one registration per (peer, namespace); peer first, so the same index answers countByPeer and
    -- removePeer, and each upsert updates one index fewer
    CREATE UNIQUE INDEX registrations_by_peer ON registrations (peer_id, namespace);

    -- discover and sample within one namespace: order and liveness are resolved inside the index,
    -- the table is visited only for the rows returned
    CREATE INDEX registrations_by_namespace ON registrations (namespace, position, expires_at);

    CREATE INDEX registrations_by_expiry ON registrations (expires_at);

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
}]

/** The schema version this code writes; a database at a higher version is refused */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
