import { LOCK_CLASS, MAX_COVERED_CHUNK, SAMPLE_SCAN_EXTRA, SAMPLE_SCAN_FACTOR } from './constants.ts'

/** What a migration's SQL is made for: the (unquoted, checked) schema name and the key of the store's write lock */
export interface SchemaContext {
  schema: string
  lockKey: number
}

/**
 * One migration: the SQL that takes a schema from `version - 1` to `version`. Migrations only ever append to
 * this list; a released one is never edited. They run in one transaction, under an advisory lock, at open.
 */
export interface Migration {
  version: number
  sql(context: SchemaContext): string
}

/**
 * Every write of the store runs in one function call (one statement, one round trip, one transaction)
 * that first takes this lock, held until its commit: writes of every point of a fleet are serialised, so
 * positions are handed out and made visible in one order (a discover never sees position n+1 committed
 * while n is still to come, which would make a cookie skip n), and the limits are checked and the row
 * written with nothing in between.
 */
function writeLock (lockKey: number): string {
  return `PERFORM pg_advisory_xact_lock(${LOCK_CLASS}, ${lockKey});`
}

/** What the versions of `upsert_new` differ in */
interface UpsertNewParts {
  /** `CREATE` the first time (version 2), `CREATE OR REPLACE` after */
  create: 'CREATE FUNCTION' | 'CREATE OR REPLACE FUNCTION'
  /** The column a row's entry is kept in, and the value written to it */
  row: { column: string, value: string }
  /** Returns -2 when the store is full */
  storeLimitCheck: string
  /** The variables it needs */
  declarations?: string
}

/**
 * `upsert_new` (a registration of a key that has none, or only an expired one) as versions 2, 3 and 5 write
 * it: version 3 keeps the entry as its page chunk, version 5 checks the store limit more cheaply
 */
function upsertNew (s: string, { create, row, storeLimitCheck, declarations = '' }: UpsertNewParts): string {
  return `    ${create} ${s}.upsert_new (
      p_namespace text, p_peer_id text, p_format text, p_entry bytea, p_ttl bigint,
      p_registered_at bigint, p_expires_at bigint, p_now bigint, p_max_per_peer bigint, p_max bigint, p_position bigint
    ) RETURNS bigint LANGUAGE plpgsql AS $fn$
    DECLARE
      v_expires bigint;
      v_position bigint := p_position;
      v_slot integer;${declarations}
    BEGIN
      -- there is no registration of this key, or only an expired one (v_expires says which)
      SELECT expires_at INTO v_expires FROM ${s}.registrations WHERE peer_id = p_peer_id AND namespace = p_namespace;

      IF p_max_per_peer IS NOT NULL AND (
        SELECT count(*) FROM ${s}.registrations
        WHERE peer_id = p_peer_id AND namespace <> p_namespace AND expires_at > p_now
      ) >= p_max_per_peer THEN
        RETURN -1;
      END IF;

${storeLimitCheck}
      IF v_position IS NULL THEN
        v_position := nextval('${s}.positions');
      END IF;

      IF v_expires IS NOT NULL THEN
        -- the expired one is replaced; it keeps its slot
        UPDATE ${s}.registrations SET format = p_format, position = v_position, ${row.column} = ${row.value},
          ttl = p_ttl, registered_at = p_registered_at, expires_at = p_expires_at
          WHERE peer_id = p_peer_id AND namespace = p_namespace;
        RETURN v_position;
      END IF;

      INSERT INTO ${s}.namespaces AS n (namespace, next_slot, stored) VALUES (p_namespace, 1, 1)
        ON CONFLICT (namespace) DO UPDATE SET next_slot = n.next_slot + 1, stored = n.stored + 1
        RETURNING n.next_slot - 1 INTO v_slot;
      UPDATE ${s}.totals SET stored = stored + 1 WHERE id = 0;
      INSERT INTO ${s}.registrations (namespace, peer_id, format, position, slot, ${row.column}, ttl, registered_at, expires_at)
        VALUES (p_namespace, p_peer_id, p_format, v_position, v_slot, ${row.value}, p_ttl, p_registered_at, p_expires_at);
      RETURN v_position;
    END
    $fn$;
`
}

/** Versions 3 and later keep a row's entry as its part of a page (page_chunk) */
const chunkRow = (s: string): UpsertNewParts['row'] => ({ column: 'chunk', value: `${s}.page_chunk(v_position, p_entry)` })

/** Versions 2 and 3's store-limit check: counts the expired rows (an index range, a heap visit each) every time */
const COUNTED_STORE_LIMIT = (s: string): string => `      IF p_max IS NOT NULL AND (SELECT stored FROM ${s}.totals WHERE id = 0)
        - (SELECT count(*) FROM ${s}.registrations WHERE expires_at <= p_now) >= p_max THEN
        RETURN -2;
      END IF;
`

export const MIGRATIONS: readonly Migration[] = [{
  version: 1,
  sql: ({ schema: s, lockKey }) => {
    const lock = writeLock(lockKey)
    // What removePeer and expire do with the rows they deleted (v_total of them, v_counts[i] in namespace
    // v_namespaces[i]): take them off the total, and renumber each namespace's sampling slots
    const forgetGone = `IF v_total > 0 THEN
        UPDATE ${s}.totals SET stored = stored - v_total WHERE id = 0;
        FOR i IN 1 .. cardinality(v_namespaces) LOOP
          PERFORM ${s}.forget(v_namespaces[i], v_counts[i]);
        END LOOP;
      END IF;`

    return `
    CREATE TABLE ${s}.schema_version (version integer NOT NULL);
    INSERT INTO ${s}.schema_version (version) VALUES (0);

    -- Namespaces and peer IDs are kept as text with NUL and backslash escaped (keys.ts): PostgreSQL text
    -- cannot hold NUL, and every string the interface accepts must be a key of its own. The "C" collation
    -- compares bytes, which is all the store needs and the cheapest.
    CREATE TABLE ${s}.registrations (
      namespace text COLLATE "C" NOT NULL,
      peer_id text COLLATE "C" NOT NULL,
      format text COLLATE "C" NOT NULL,
      position bigint NOT NULL,
      -- the registration's place in its namespace's sampling slots (see sample below)
      slot integer NOT NULL,
      -- everything a read returns but the position, packed by the client as reads return it (entry.ts):
      -- ttl, registered_at, expires_at, namespace, peer_id, format and the signed envelope. The server then
      -- builds a page of registrations by concatenating entries, not by encoding each field of each row
      entry bytea NOT NULL,
      ttl bigint NOT NULL,
      registered_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      -- peer first: the same index answers the key lookups, countByPeer and removePeer
      PRIMARY KEY (peer_id, namespace)
    );

    -- discover in a namespace, and across namespaces. Expiry and format are not included in them: the rows
    -- are read from the table anyway, and a plain index scan filters on the table's row
    CREATE INDEX registrations_by_namespace ON ${s}.registrations (namespace, position);
    CREATE INDEX registrations_by_position ON ${s}.registrations (position);
    -- sample: the registrations at given slots of a namespace
    CREATE INDEX registrations_by_slot ON ${s}.registrations (namespace, slot);
    -- expire, and the expired-but-not-deleted part of count
    CREATE INDEX registrations_by_expiry ON ${s}.registrations (expires_at);

    -- Positions for every point of a fleet. CACHE 1 (the default): a session that cached a block of values
    -- would hand out positions out of order with the other sessions.
    CREATE SEQUENCE ${s}.positions AS bigint MINVALUE 1 NO CYCLE;

    -- Per namespace: the next sampling slot and the rows stored (live or expired). Slots are dense
    -- but for the holes removals leave; when fewer than half the slots hold a row, the namespace is
    -- renumbered (forget below), so a random slot finds a row at least half the time.
    CREATE TABLE ${s}.namespaces (
      namespace text COLLATE "C" PRIMARY KEY,
      next_slot integer NOT NULL,
      stored integer NOT NULL
    );

    -- the rows stored (live or expired), so count() and the store limit need no scan
    CREATE TABLE ${s}.totals (
      id integer PRIMARY KEY CHECK (id = 0),
      stored bigint NOT NULL
    );
    INSERT INTO ${s}.totals (id, stored) VALUES (0, 0);

    -- secrets the points of a fleet share (the cookie key), created once by whichever point asks first
    CREATE TABLE ${s}.secrets (
      name text PRIMARY KEY,
      value bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- A namespace lost p_count rows: keep its counts, and renumber its slots when they have thinned out.
    -- Called with the write lock held.
    CREATE FUNCTION ${s}.forget (p_namespace text, p_count integer) RETURNS void LANGUAGE plpgsql AS $fn$
    DECLARE
      v_stored integer;
      v_next integer;
    BEGIN
      UPDATE ${s}.namespaces SET stored = stored - p_count WHERE namespace = p_namespace
        RETURNING stored, next_slot INTO v_stored, v_next;

      IF v_stored = 0 THEN
        DELETE FROM ${s}.namespaces WHERE namespace = p_namespace;
      ELSIF v_stored * 2 < v_next AND v_next > 64 THEN
        UPDATE ${s}.registrations AS r SET slot = c.new_slot
          FROM (SELECT peer_id, (row_number() OVER (ORDER BY slot) - 1)::integer AS new_slot
                FROM ${s}.registrations WHERE namespace = p_namespace) AS c
          WHERE r.namespace = p_namespace AND r.peer_id = c.peer_id AND r.slot <> c.new_slot;
        UPDATE ${s}.namespaces SET next_slot = v_stored WHERE namespace = p_namespace;
      END IF;
    END
    $fn$;

    -- Insert or refresh; returns the position, or -1 (the peer's limit) or -2 (the store's) when a new
    -- registration is refused. A NULL limit is no limit.
    CREATE FUNCTION ${s}.upsert (
      p_namespace text, p_peer_id text, p_format text, p_entry bytea, p_ttl bigint,
      p_registered_at bigint, p_expires_at bigint, p_now bigint, p_max_per_peer bigint, p_max bigint
    ) RETURNS bigint LANGUAGE plpgsql AS $fn$
    DECLARE
      v_expires bigint;
      v_position bigint;
      v_slot integer;
    BEGIN
      ${lock}

      -- the common case first, in one statement: a refresh of a live registration, which always passes
      UPDATE ${s}.registrations SET format = p_format, position = nextval('${s}.positions'), entry = p_entry,
        ttl = p_ttl, registered_at = p_registered_at, expires_at = p_expires_at
        WHERE peer_id = p_peer_id AND namespace = p_namespace AND expires_at > p_now
        RETURNING position INTO v_position;

      IF v_position IS NOT NULL THEN
        RETURN v_position;
      END IF;

      -- so the registration is new: there is none, or only an expired one (v_expires says which)
      SELECT expires_at INTO v_expires FROM ${s}.registrations WHERE peer_id = p_peer_id AND namespace = p_namespace;

      IF p_max_per_peer IS NOT NULL AND (
        SELECT count(*) FROM ${s}.registrations
        WHERE peer_id = p_peer_id AND namespace <> p_namespace AND expires_at > p_now
      ) >= p_max_per_peer THEN
        RETURN -1;
      END IF;

      IF p_max IS NOT NULL AND (SELECT stored FROM ${s}.totals WHERE id = 0)
        - (SELECT count(*) FROM ${s}.registrations WHERE expires_at <= p_now) >= p_max THEN
        RETURN -2;
      END IF;

      v_position := nextval('${s}.positions');

      IF v_expires IS NOT NULL THEN
        -- the expired one is replaced; it keeps its slot
        UPDATE ${s}.registrations SET format = p_format, position = v_position, entry = p_entry,
          ttl = p_ttl, registered_at = p_registered_at, expires_at = p_expires_at
          WHERE peer_id = p_peer_id AND namespace = p_namespace;
        RETURN v_position;
      END IF;

      INSERT INTO ${s}.namespaces AS n (namespace, next_slot, stored) VALUES (p_namespace, 1, 1)
        ON CONFLICT (namespace) DO UPDATE SET next_slot = n.next_slot + 1, stored = n.stored + 1
        RETURNING n.next_slot - 1 INTO v_slot;
      UPDATE ${s}.totals SET stored = stored + 1 WHERE id = 0;
      INSERT INTO ${s}.registrations (namespace, peer_id, format, position, slot, entry, ttl, registered_at, expires_at)
        VALUES (p_namespace, p_peer_id, p_format, v_position, v_slot, p_entry, p_ttl, p_registered_at, p_expires_at);
      RETURN v_position;
    END
    $fn$;

    -- Several upserts in one transaction, in order: what the store sends when upserts arrive while another
    -- write is in flight (postgres-store.ts), so they share one commit. Returns upsert's result for each.
    CREATE FUNCTION ${s}.upsert_many (
      p_namespaces text[], p_peer_ids text[], p_formats text[], p_entries bytea[], p_ttls bigint[],
      p_registered_ats bigint[], p_expires_ats bigint[], p_now bigint, p_max_per_peer bigint[], p_max bigint[]
    ) RETURNS bigint[] LANGUAGE plpgsql AS $fn$
    DECLARE
      v_results bigint[] := '{}';
    BEGIN
      FOR i IN 1 .. cardinality(p_namespaces) LOOP
        v_results := v_results || ${s}.upsert(p_namespaces[i], p_peer_ids[i], p_formats[i], p_entries[i], p_ttls[i],
          p_registered_ats[i], p_expires_ats[i], p_now, p_max_per_peer[i], p_max[i]);
      END LOOP;

      RETURN v_results;
    END
    $fn$;

    -- Remove one; returns whether a live one was there (NULL: none at all)
    CREATE FUNCTION ${s}.remove (p_namespace text, p_peer_id text, p_now bigint) RETURNS boolean LANGUAGE plpgsql AS $fn$
    DECLARE
      v_expires bigint;
    BEGIN
      ${lock}
      DELETE FROM ${s}.registrations WHERE peer_id = p_peer_id AND namespace = p_namespace RETURNING expires_at INTO v_expires;

      IF v_expires IS NULL THEN
        RETURN NULL;
      END IF;

      UPDATE ${s}.totals SET stored = stored - 1 WHERE id = 0;
      PERFORM ${s}.forget(p_namespace, 1);
      RETURN v_expires > p_now;
    END
    $fn$;

    -- Remove every registration of a peer; returns how many of them were live
    CREATE FUNCTION ${s}.remove_peer (p_peer_id text, p_now bigint) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE
      v_namespaces text[];
      v_counts integer[];
      v_total integer;
      v_live integer;
    BEGIN
      ${lock}
      WITH gone AS (DELETE FROM ${s}.registrations WHERE peer_id = p_peer_id RETURNING namespace, expires_at),
        per_namespace AS (
          SELECT namespace, count(*)::integer AS n, count(*) FILTER (WHERE expires_at > p_now)::integer AS live
          FROM gone GROUP BY namespace)
      SELECT array_agg(namespace), array_agg(n), coalesce(sum(n), 0), coalesce(sum(live), 0)
        INTO v_namespaces, v_counts, v_total, v_live FROM per_namespace;

      ${forgetGone}

      RETURN v_live;
    END
    $fn$;

    -- Delete up to p_limit registrations that have expired, oldest expiry first; returns how many. The store
    -- calls it until it deletes fewer than p_limit, each call its own transaction, so the writes of the
    -- fleet wait for one chunk at a time, not for the whole expiry. Its cost grows with what expired (the
    -- expiry index), plus the renumbering of namespaces that thinned out, which each row pays for once.
    CREATE FUNCTION ${s}.expire (p_now bigint, p_limit integer) RETURNS bigint LANGUAGE plpgsql AS $fn$
    DECLARE
      v_namespaces text[];
      v_counts integer[];
      v_total bigint;
    BEGIN
      ${lock}
      WITH gone AS (
          DELETE FROM ${s}.registrations WHERE ctid = ANY (ARRAY(
            SELECT ctid FROM ${s}.registrations WHERE expires_at <= p_now ORDER BY expires_at LIMIT p_limit))
          RETURNING namespace),
        per_namespace AS (SELECT namespace, count(*)::integer AS n FROM gone GROUP BY namespace)
      SELECT array_agg(namespace), array_agg(n), coalesce(sum(n), 0)
        INTO v_namespaces, v_counts, v_total FROM per_namespace;

      ${forgetGone}

      RETURN v_total;
    END
    $fn$;

    -- A uniform sample of at most p_limit live registrations of a namespace (of the given formats, when
    -- p_formats is not NULL), returned as a page (queries.ts): base64 of each one's position and entry. A
    -- small namespace is read whole and shuffled. In a large one, random slots are drawn (distinct, never
    -- drawn before) and the live rows found at them collected, doubling the draws each round, until p_limit
    -- are found; then p_limit of those are taken at random. Nothing in it depends on which registration
    -- sits at which slot, so every live registration is equally likely; and as at least half the slots hold
    -- a row, a round of 2 * p_limit + 16 draws usually suffices. When most rows are expired (expire() has not
    -- run) or of other formats, the draws would approach the namespace's size, and it is read whole instead.
    -- STABLE: every query in it sees the snapshot of the call.
    CREATE FUNCTION ${s}.sample (p_namespace text, p_limit integer, p_now bigint, p_formats text[])
      RETURNS text LANGUAGE plpgsql STABLE AS $fn$
    DECLARE
      v_slots integer;
      v_draws integer;
      v_seen integer[] := '{}';
      v_candidates integer[];
      v_positions bigint[] := '{}';
      v_entries bytea[] := '{}';
    BEGIN
      SELECT next_slot INTO v_slots FROM ${s}.namespaces WHERE namespace = p_namespace;

      IF v_slots IS NULL OR p_limit <= 0 THEN
        RETURN NULL;
      END IF;

      IF v_slots > p_limit * ${SAMPLE_SCAN_FACTOR} + ${SAMPLE_SCAN_EXTRA} THEN
        v_draws := p_limit * 2 + 16;

        LOOP
          v_candidates := ARRAY(
            SELECT DISTINCT d.slot FROM (
              SELECT floor(random() * v_slots)::integer AS slot FROM generate_series(1, v_draws)
            ) AS d WHERE d.slot <> ALL (v_seen));
          v_seen := v_seen || v_candidates;

          -- the entries come along, so the chosen ones need not be read again
          SELECT v_positions || array_agg(r.position), v_entries || array_agg(r.entry)
            INTO v_positions, v_entries
            FROM ${s}.registrations AS r
            WHERE r.namespace = p_namespace AND r.slot = ANY (v_candidates) AND r.expires_at > p_now
              AND (p_formats IS NULL OR r.format = ANY (p_formats));

          IF cardinality(v_positions) >= p_limit THEN
            RETURN (SELECT encode(string_agg(int8send(v_positions[i]) || v_entries[i], ''::bytea), 'base64')
              FROM (SELECT i FROM generate_subscripts(v_positions, 1) AS i ORDER BY random() LIMIT p_limit) AS chosen);
          END IF;

          v_draws := v_draws * 2;
          EXIT WHEN v_draws * 4 > v_slots;
        END LOOP;
      END IF;

      RETURN (SELECT encode(string_agg(int8send(chosen.position) || chosen.entry, ''::bytea), 'base64') FROM (
        SELECT r.position, r.entry FROM ${s}.registrations AS r
        WHERE r.namespace = p_namespace AND r.expires_at > p_now AND (p_formats IS NULL OR r.format = ANY (p_formats))
        ORDER BY random() LIMIT p_limit) AS chosen);
    END
    $fn$;

    -- Shared secrets: the first caller's value wins, every caller gets the stored one
    CREATE FUNCTION ${s}.secret (p_name text, p_value bytea) RETURNS bytea LANGUAGE plpgsql AS $fn$
    DECLARE
      v_value bytea;
    BEGIN
      INSERT INTO ${s}.secrets (name, value) VALUES (p_name, p_value) ON CONFLICT (name) DO NOTHING;
      SELECT value INTO v_value FROM ${s}.secrets WHERE name = p_name;
      RETURN v_value;
    END
    $fn$;
  `
  }
}, {
  version: 2,
  sql: ({ schema: s, lockKey }) => {
    const lock = writeLock(lockKey)

    return `
    -- The part of an upsert after "it is not a refresh of a live registration": check the limits, then
    -- replace the expired row or insert one. p_position is the position to give it, or NULL to take the next
    -- one from the sequence once the limits pass (a batch takes its positions first, in its order). Called
    -- with the write lock held. Returns the position, -1 (the peer's limit) or -2 (the store's).
${upsertNew(s, { create: 'CREATE FUNCTION', row: { column: 'entry', value: 'p_entry' }, storeLimitCheck: COUNTED_STORE_LIMIT(s) })}
    -- One upsert: a refresh of a live registration in one statement, anything else through upsert_new
    CREATE OR REPLACE FUNCTION ${s}.upsert (
      p_namespace text, p_peer_id text, p_format text, p_entry bytea, p_ttl bigint,
      p_registered_at bigint, p_expires_at bigint, p_now bigint, p_max_per_peer bigint, p_max bigint
    ) RETURNS bigint LANGUAGE plpgsql AS $fn$
    DECLARE
      v_position bigint;
    BEGIN
      ${lock}

      UPDATE ${s}.registrations SET format = p_format, position = nextval('${s}.positions'), entry = p_entry,
        ttl = p_ttl, registered_at = p_registered_at, expires_at = p_expires_at
        WHERE peer_id = p_peer_id AND namespace = p_namespace AND expires_at > p_now
        RETURNING position INTO v_position;

      IF v_position IS NOT NULL THEN
        RETURN v_position;
      END IF;

      RETURN ${s}.upsert_new(p_namespace, p_peer_id, p_format, p_entry, p_ttl, p_registered_at, p_expires_at,
        p_now, p_max_per_peer, p_max, NULL);
    END
    $fn$;

    -- Version 1's batch called upsert once per registration: a PL/pgSQL call, a lock request and an UPDATE
    -- statement each, and its entries came as a bytea[] in text form (hex, parsed element by element)
    DROP FUNCTION ${s}.upsert_many (text[], text[], text[], bytea[], bigint[], bigint[], bigint[], bigint, bigint[], bigint[]);

    -- Several upserts in one transaction: what the store sends when upserts arrive while another write is in
    -- flight (postgres-store.ts), so they share one commit. The entries come as one bytea, p_lengths[i]
    -- bytes each, one after the other. The keys of a batch are distinct (the store never puts one key twice
    -- in a batch): a key's refreshes must end with its highest position, which one UPDATE of both could
    -- not promise. Positions are taken first, one per upsert, in the batch's order; the refreshes of live
    -- registrations, usually all of them, are one UPDATE; the others go through upsert_new one by one, in
    -- order, with their positions (a refused one leaves a gap in the positions, as a rolled back one would).
    -- Returns upsert's result for each.
    --
    -- PL/pgSQL plans the UPDATE once per connection and keeps the plan until the table's statistics change.
    -- Planned while the table is small (a new store is filled from empty), a hash join over a sequential scan
    -- of registrations looks cheapest, and it stayed in use as the table grew: filled from empty to 100k
    -- registrations, a store then refreshed 515/s with 16 in flight (a batch of 16 took about 30 ms), against
    -- 10,857/s with the plan below (pnpm bench, the same run). A batch is at most a few hundred lookups by
    -- primary key, which is the right plan at any size: the function runs with the planner's other choices
    -- turned off.
    CREATE FUNCTION ${s}.upsert_batch (
      p_namespaces text[], p_peer_ids text[], p_formats text[], p_entries bytea, p_lengths integer[], p_ttls bigint[],
      p_registered_ats bigint[], p_expires_ats bigint[], p_now bigint, p_max_per_peer bigint[], p_max bigint[]
    ) RETURNS bigint[] LANGUAGE plpgsql SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $fn$
    DECLARE
      v_count integer := cardinality(p_namespaces);
      v_positions bigint[];
      v_starts integer[];
      v_refreshed bigint[];
      v_results bigint[];
    BEGIN
      ${lock}

      v_positions := ARRAY(SELECT nextval('${s}.positions') FROM generate_series(1, v_count) ORDER BY 1);
      -- where each entry starts in p_entries (1-based, as substring counts)
      v_starts := ARRAY(SELECT (sum(l) OVER (ORDER BY i) - l + 1)::integer FROM unnest(p_lengths) WITH ORDINALITY AS e(l, i) ORDER BY i);

      WITH refreshed AS (
        UPDATE ${s}.registrations AS r SET format = b.format, position = b.position,
          entry = substring(p_entries FROM b.start FOR b.length), ttl = b.ttl, registered_at = b.registered_at,
          expires_at = b.expires_at
          FROM unnest(p_namespaces, p_peer_ids, p_formats, v_starts, p_lengths, p_ttls, p_registered_ats, p_expires_ats, v_positions)
            AS b(namespace, peer_id, format, start, length, ttl, registered_at, expires_at, position)
          WHERE r.peer_id = b.peer_id AND r.namespace = b.namespace AND r.expires_at > p_now
          RETURNING b.position)
      SELECT array_agg(position ORDER BY position) INTO v_refreshed FROM refreshed;

      IF cardinality(v_refreshed) = v_count THEN
        RETURN v_positions;
      END IF;

      v_results := v_positions;
      v_refreshed := coalesce(v_refreshed, '{}');

      FOR i IN 1 .. v_count LOOP
        IF NOT v_positions[i] = ANY (v_refreshed) THEN
          v_results[i] := ${s}.upsert_new(p_namespaces[i], p_peer_ids[i], p_formats[i],
            substring(p_entries FROM v_starts[i] FOR p_lengths[i]), p_ttls[i], p_registered_ats[i], p_expires_ats[i],
            p_now, p_max_per_peer[i], p_max[i], v_positions[i]);
        END IF;
      END LOOP;

      RETURN v_results;
    END
    $fn$;
  `
  }
}, {
  version: 3,
  sql: ({ schema: s, lockKey }) => {
    const lock = writeLock(lockKey)

    return `
    -- A registration as a page carries it: base64 of its position (8 bytes) and entry, padded with zero
    -- bytes to a multiple of 3 bytes so that the base64 of a page is the concatenation of its rows' (no
    -- "=" inside), without the line breaks encode() puts every 76 characters. Version 2 encoded each page
    -- as it read it: encode() of a 29 KB page cost the server more CPU than finding its 100 rows. Written
    -- whenever the position changes (every write of a row), read as it is.
    CREATE FUNCTION ${s}.page_chunk (p_position bigint, p_entry bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
      SELECT replace(encode(int8send(p_position) || p_entry
        || substring('\\x0000'::bytea FROM 1 FOR (3 - (8 + length(p_entry)) % 3) % 3), 'base64'), E'\\n', '')
    $fn$;

    -- the rows are rewritten once, with their indexes (ALTER TABLE rewrites the table: no dead rows left)
    ALTER TABLE ${s}.registrations ALTER COLUMN entry TYPE text USING ${s}.page_chunk(position, entry);
    ALTER TABLE ${s}.registrations RENAME COLUMN entry TO chunk;

${upsertNew(s, { create: 'CREATE OR REPLACE FUNCTION', row: chunkRow(s), storeLimitCheck: COUNTED_STORE_LIMIT(s) })}
    -- a refresh takes its position in the UPDATE, as before, so a new registration refused by a limit
    -- still takes none
    CREATE OR REPLACE FUNCTION ${s}.upsert (
      p_namespace text, p_peer_id text, p_format text, p_entry bytea, p_ttl bigint,
      p_registered_at bigint, p_expires_at bigint, p_now bigint, p_max_per_peer bigint, p_max bigint
    ) RETURNS bigint LANGUAGE plpgsql AS $fn$
    DECLARE
      v_position bigint;
    BEGIN
      ${lock}

      UPDATE ${s}.registrations SET format = p_format, (position, chunk) = (
          SELECT n.position, ${s}.page_chunk(n.position, p_entry) FROM (SELECT nextval('${s}.positions') AS position) AS n),
        ttl = p_ttl, registered_at = p_registered_at, expires_at = p_expires_at
        WHERE peer_id = p_peer_id AND namespace = p_namespace AND expires_at > p_now
        RETURNING position INTO v_position;

      IF v_position IS NOT NULL THEN
        RETURN v_position;
      END IF;

      RETURN ${s}.upsert_new(p_namespace, p_peer_id, p_format, p_entry, p_ttl, p_registered_at, p_expires_at,
        p_now, p_max_per_peer, p_max, NULL);
    END
    $fn$;

    -- as version 2's, with the chunk (see upsert_batch there for why the planner's other choices are off)
    CREATE OR REPLACE FUNCTION ${s}.upsert_batch (
      p_namespaces text[], p_peer_ids text[], p_formats text[], p_entries bytea, p_lengths integer[], p_ttls bigint[],
      p_registered_ats bigint[], p_expires_ats bigint[], p_now bigint, p_max_per_peer bigint[], p_max bigint[]
    ) RETURNS bigint[] LANGUAGE plpgsql SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $fn$
    DECLARE
      v_count integer := cardinality(p_namespaces);
      v_positions bigint[];
      v_starts integer[];
      v_refreshed bigint[];
      v_results bigint[];
    BEGIN
      ${lock}

      v_positions := ARRAY(SELECT nextval('${s}.positions') FROM generate_series(1, v_count) ORDER BY 1);
      -- where each entry starts in p_entries (1-based, as substring counts)
      v_starts := ARRAY(SELECT (sum(l) OVER (ORDER BY i) - l + 1)::integer FROM unnest(p_lengths) WITH ORDINALITY AS e(l, i) ORDER BY i);

      WITH refreshed AS (
        UPDATE ${s}.registrations AS r SET format = b.format, position = b.position,
          chunk = ${s}.page_chunk(b.position, substring(p_entries FROM b.start FOR b.length)), ttl = b.ttl,
          registered_at = b.registered_at, expires_at = b.expires_at
          FROM unnest(p_namespaces, p_peer_ids, p_formats, v_starts, p_lengths, p_ttls, p_registered_ats, p_expires_ats, v_positions)
            AS b(namespace, peer_id, format, start, length, ttl, registered_at, expires_at, position)
          WHERE r.peer_id = b.peer_id AND r.namespace = b.namespace AND r.expires_at > p_now
          RETURNING b.position)
      SELECT array_agg(position ORDER BY position) INTO v_refreshed FROM refreshed;

      IF cardinality(v_refreshed) = v_count THEN
        RETURN v_positions;
      END IF;

      v_results := v_positions;
      v_refreshed := coalesce(v_refreshed, '{}');

      FOR i IN 1 .. v_count LOOP
        IF NOT v_positions[i] = ANY (v_refreshed) THEN
          v_results[i] := ${s}.upsert_new(p_namespaces[i], p_peer_ids[i], p_formats[i],
            substring(p_entries FROM v_starts[i] FOR p_lengths[i]), p_ttls[i], p_registered_ats[i], p_expires_ats[i],
            p_now, p_max_per_peer[i], p_max[i], v_positions[i]);
        END IF;
      END LOOP;

      RETURN v_results;
    END
    $fn$;

    -- as version 1's, the page being the chosen rows' chunks
    CREATE OR REPLACE FUNCTION ${s}.sample (p_namespace text, p_limit integer, p_now bigint, p_formats text[])
      RETURNS text LANGUAGE plpgsql STABLE AS $fn$
    DECLARE
      v_slots integer;
      v_draws integer;
      v_seen integer[] := '{}';
      v_candidates integer[];
      v_chunks text[] := '{}';
    BEGIN
      SELECT next_slot INTO v_slots FROM ${s}.namespaces WHERE namespace = p_namespace;

      IF v_slots IS NULL OR p_limit <= 0 THEN
        RETURN NULL;
      END IF;

      IF v_slots > p_limit * ${SAMPLE_SCAN_FACTOR} + ${SAMPLE_SCAN_EXTRA} THEN
        v_draws := p_limit * 2 + 16;

        LOOP
          v_candidates := ARRAY(
            SELECT DISTINCT d.slot FROM (
              SELECT floor(random() * v_slots)::integer AS slot FROM generate_series(1, v_draws)
            ) AS d WHERE d.slot <> ALL (v_seen));
          v_seen := v_seen || v_candidates;

          SELECT v_chunks || coalesce(array_agg(r.chunk), '{}') INTO v_chunks
            FROM ${s}.registrations AS r
            WHERE r.namespace = p_namespace AND r.slot = ANY (v_candidates) AND r.expires_at > p_now
              AND (p_formats IS NULL OR r.format = ANY (p_formats));

          IF cardinality(v_chunks) >= p_limit THEN
            RETURN (SELECT string_agg(chosen.chunk, '') FROM (
              SELECT chunk FROM unnest(v_chunks) AS c(chunk) ORDER BY random() LIMIT p_limit) AS chosen);
          END IF;

          v_draws := v_draws * 2;
          EXIT WHEN v_draws * 4 > v_slots;
        END LOOP;
      END IF;

      RETURN (SELECT string_agg(chosen.chunk, '') FROM (
        SELECT r.chunk FROM ${s}.registrations AS r
        WHERE r.namespace = p_namespace AND r.expires_at > p_now AND (p_formats IS NULL OR r.format = ANY (p_formats))
        ORDER BY random() LIMIT p_limit) AS chosen);
    END
    $fn$;
  `
  }
}, {
  version: 4,
  sql: ({ schema: s }) => `
    -- A page in a namespace becomes an index-only scan: the index it is read through carries every column
    -- the page query reads (the filters' expires_at and format, and the chunk it returns), so finding 100
    -- rows reads a few consecutive leaf pages of the index instead of 100 heap pages (a namespace's rows are
    -- spread over the whole table, one per heap page); only rows on pages changed since the last vacuum are
    -- still looked up in the heap. No cache: these are the rows' own values, written in the same transaction.
    -- A B-tree entry holds at most 2,704 bytes, so the covering index holds the rows whose chunk is at most
    -- ${MAX_COVERED_CHUNK} characters (with a namespace of 255 bytes escaped to at most 510, an entry stays
    -- under that); the rows with larger envelopes are in a plain index of the rest, and a page merges the two
    -- (queries.ts). Built under a new name and swapped: while they are built, reads go on and writes wait;
    -- the old index is dropped (the only moment reads wait too) just before the commit.
    -- A chunk is base64, which compression cannot shrink by the quarter PostgreSQL asks of it: without this,
    -- every write of a row whose chunk is over about 500 bytes (most real envelopes) would try to compress
    -- it for the covering index entry (and over about 2 KB for the table), and fail. The index's column
    -- takes the table column's storage when it is built, so this comes first. It changes no stored row.
    ALTER TABLE ${s}.registrations ALTER COLUMN chunk SET STORAGE EXTERNAL;
    CREATE INDEX registrations_by_namespace_v4 ON ${s}.registrations (namespace, position) INCLUDE (expires_at, format, chunk)
      WHERE octet_length(chunk) <= ${MAX_COVERED_CHUNK};
    CREATE INDEX registrations_by_namespace_large ON ${s}.registrations (namespace, position)
      WHERE octet_length(chunk) > ${MAX_COVERED_CHUNK};
    DROP INDEX ${s}.registrations_by_namespace;
    ALTER INDEX ${s}.registrations_by_namespace_v4 RENAME TO registrations_by_namespace;
  `
}, {
  version: 5,
  sql: ({ schema: s }) => {
    const storeLimitCheck = `      IF p_max IS NOT NULL THEN
        SELECT stored INTO v_stored FROM ${s}.totals WHERE id = 0;
        IF v_stored >= p_max THEN
          IF v_stored - (SELECT count(*) FROM ${s}.registrations WHERE expires_at <= p_now) >= p_max THEN
            RETURN -2;
          END IF;
        END IF;
      END IF;
`
    return `
    -- The store limit is checked against the stored rows first, one row of totals: only a store that holds
    -- p_max rows or more counts its expired ones (those count as free). Version 3 counted them for every new
    -- registration, an index range and a heap visit per expired row, under the write lock: 0.7 to 5 ms with
    -- 5,000 rows expired, as a busy point holds between two expiry runs. The same registrations are
    -- refused, since the expired count is never negative.
${upsertNew(s, {
      create: 'CREATE OR REPLACE FUNCTION',
      row: chunkRow(s),
      storeLimitCheck,
      declarations: `
      v_stored bigint;`
    })}
  `
  }
}]

/** The schema version this code writes; a schema at a higher version is refused */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
