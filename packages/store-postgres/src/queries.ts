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
 * Reads return their registrations packed into one bytea, sent as base64 text (page.ts reads it back): node-postgres builds a
 * JavaScript value for every field of every row, and for a page of 100 registrations that cost about four
 * times what the server spent finding them; one field costs a fraction of it. Base64 rather than the hex of bytea's text output: a third fewer characters to encode, send and decode. Each registration
 * is: position, ttl, registered_at, expires_at as int8; then namespace, peer_id and format as a 2-byte
 * length and UTF-8 bytes; then the envelope as a 4-byte length and its bytes. Big-endian throughout.
 */
const PACKED_ROW = `int8send(position) || int8send(ttl) || int8send(registered_at) || int8send(expires_at)
  || int2send(octet_length(namespace)::int2) || convert_to(namespace, 'UTF8')
  || int2send(octet_length(peer_id)::int2) || convert_to(peer_id, 'UTF8')
  || int2send(octet_length(format)::int2) || convert_to(format, 'UTF8')
  || int4send(octet_length(signed_peer_record)) || signed_peer_record`

const PACKED = `encode(string_agg(${PACKED_ROW}, ''::bytea ORDER BY position), 'base64')`

const COLUMNS = 'position, namespace, peer_id, format, signed_peer_record, ttl, registered_at, expires_at'

export function queries ({ schema: s }: SchemaContext): Record<QueryName, Query> {
  const texts: Record<QueryName, string> = {
    upsert: `SELECT ${s}.upsert($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    upsertMany: `SELECT ${s}.upsert_many($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bigint[], $6::bigint[], $7::bigint[], $8, $9::bigint[], $10::bigint[])`,
    remove: `SELECT ${s}.remove($1, $2, $3)`,
    removePeer: `SELECT ${s}.remove_peer($1, $2)`,
    expire: `SELECT ${s}.expire($1)`,
    countByPeer: `SELECT count(*) FROM ${s}.registrations
      WHERE peer_id = $1 AND namespace IS DISTINCT FROM $2 AND expires_at > $3`,
    count: `SELECT (SELECT stored FROM ${s}.totals WHERE id = 0)
      - (SELECT count(*) FROM ${s}.registrations WHERE expires_at <= $1)`,
    discoverNamespace: `SELECT ${PACKED} FROM (SELECT ${COLUMNS} FROM ${s}.registrations
      WHERE namespace = $1 AND position > $2 AND expires_at > $3 AND ($5::text[] IS NULL OR format = ANY ($5::text[]))
      ORDER BY position LIMIT $4) AS page`,
    discoverAll: `SELECT ${PACKED} FROM (SELECT ${COLUMNS} FROM ${s}.registrations
      WHERE position > $1 AND expires_at > $2 AND ($4::text[] IS NULL OR format = ANY ($4::text[]))
      ORDER BY position LIMIT $3) AS page`,
    // in the order the function returns them, which is random
    sample: `SELECT encode(string_agg(${PACKED_ROW}, ''::bytea), 'base64') FROM ${s}.sample($1, $2, $3, $4::text[])`,
    secret: `SELECT ${s}.secret($1, $2)`,
    ping: 'SELECT 1'
  }

  return Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, { name: `rendezvous-${s}-${name}`, text }])) as Record<QueryName, Query>
}

export type QueryName = 'upsert' | 'upsertMany' | 'remove' | 'removePeer' | 'expire' | 'countByPeer' | 'count' |
'discoverNamespace' | 'discoverAll' | 'sample' | 'secret' | 'ping'
