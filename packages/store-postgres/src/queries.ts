import { MAX_COVERED_CHUNK } from './constants.ts'
import type { SchemaContext } from './schema.ts'

/**
 * Every statement the store runs, with a name: node-postgres prepares a named statement once per
 * connection and then only binds and executes it. Writes are calls of the schema's functions (one round
 * trip, one transaction each); reads are plain queries over the indexes of schema.ts.
 */
export interface Query {
  name: string
  text: string
}

/**
 * Reads return their registrations as one base64 text field (entry.ts reads it back): the rows' stored
 * `chunk`s, concatenated. A chunk is the base64 of the row's position (int8) and entry (packed by the client
 * at upsert), padded to a multiple of 3 bytes, written by the schema's functions whenever the row is
 * (schema.ts, version 3), so the base64 of a page is the concatenation of its rows' and a read encodes
 * nothing. node-postgres builds a JavaScript value for every field of every row, which for a page of 100
 * registrations cost the client about twice what the server spent finding them; one field per page costs it
 * one string. Base64 rather than the hex of bytea's text output: a third fewer characters to store, send and
 * decode. Not bytea in binary: node-postgres 8 reads every field of a result as a UTF-8 string, binary ones
 * too, which garbles bytes that are not UTF-8 (see the package README).
 *
 * The page's rows come out of `ORDER BY position LIMIT` in that order and are concatenated as they come:
 * an `ORDER BY` inside `string_agg` would sort them again, for every page. The client checks the order as
 * it reads the page (entry.ts) and sorts it if it ever came otherwise.
 */
const PAGE = 'string_agg(chunk, \'\')'

/**
 * The chunks of a page in one namespace, in position order (schema version 4): the rows of the covering
 * index (every chunk of at most MAX_COVERED_CHUNK characters, read from the index alone) merged with those
 * of the index of larger ones (read from the table; rare). Each half repeats its index's condition on the
 * chunk's length, which is what lets the planner use a partial index (and drop the condition, which the
 * index implies), and its own limit, so that neither reads more rows than a page whatever the planner
 * makes of the merge (a Merge Append of the two, or a sort of at most twice the limit).
 */
function namespacePage (s: string, namespace: string, after: string, now: string, limit: string, formats: string): string {
  const where = `namespace = ${namespace} AND position > ${after} AND expires_at > ${now}
        AND (${formats}::text[] IS NULL OR format = ANY (${formats}::text[]))`

  return `(SELECT position, chunk FROM ${s}.registrations WHERE ${where} AND octet_length(chunk) <= ${MAX_COVERED_CHUNK}
        ORDER BY position LIMIT ${limit})
      UNION ALL
      (SELECT position, chunk FROM ${s}.registrations WHERE ${where} AND octet_length(chunk) > ${MAX_COVERED_CHUNK}
        ORDER BY position LIMIT ${limit})
      ORDER BY position LIMIT ${limit}`
}

export function queries ({ schema: s }: SchemaContext): Record<QueryName, Query> {
  const texts: Record<QueryName, string> = {
    upsert: `SELECT ${s}.upsert($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    upsertBatch: `SELECT ${s}.upsert_batch($1::text[], $2::text[], $3::text[], $4::bytea, $5::integer[], $6::bigint[], $7::bigint[], $8::bigint[], $9, $10::bigint[], $11::bigint[])`,
    remove: `SELECT ${s}.remove($1, $2, $3)`,
    removePeer: `SELECT ${s}.remove_peer($1, $2)`,
    expire: `SELECT ${s}.expire($1, $2)`,
    countByPeer: `SELECT count(*) FROM ${s}.registrations
      WHERE peer_id = $1 AND namespace IS DISTINCT FROM $2 AND expires_at > $3`,
    count: `SELECT (SELECT stored FROM ${s}.totals WHERE id = 0)
      - (SELECT count(*) FROM ${s}.registrations WHERE expires_at <= $1)`,
    discoverNamespace: `SELECT ${PAGE} FROM (${namespacePage(s, '$1', '$2', '$3', '$4', '$5')}) AS page`,
    // several discovers in one query (page-reads.ts): the page of each (namespace, after, limit), in order
    discoverPages: `SELECT (SELECT ${PAGE} FROM (${namespacePage(s, 'q.page_namespace', 'q.page_after', '$4', 'q.page_limit', '$5')}) AS page)
      FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS q(page_namespace, page_after, page_limit, i)
      ORDER BY q.i`,
    discoverAll: `SELECT ${PAGE} FROM (SELECT chunk FROM ${s}.registrations
      WHERE position > $1 AND expires_at > $2 AND ($4::text[] IS NULL OR format = ANY ($4::text[]))
      ORDER BY position LIMIT $3) AS page`,
    // the function returns the page itself, in random order
    sample: `SELECT ${s}.sample($1, $2, $3, $4::text[])`,
    secret: `SELECT ${s}.secret($1, $2)`,
    ping: 'SELECT 1'
  }

  return Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, { name: `rendezvous-${s}-${name}`, text }])) as Record<QueryName, Query>
}

export type QueryName = 'upsert' | 'upsertBatch' | 'remove' | 'removePeer' | 'expire' | 'countByPeer' | 'count' |
'discoverNamespace' | 'discoverPages' | 'discoverAll' | 'sample' | 'secret' | 'ping'
