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

/** The columns of a registration read back, in the order the store maps them */
const COLUMNS = 'position, namespace, peer_id, format, signed_peer_record, ttl, registered_at, expires_at'

export function queries ({ schema: s }: SchemaContext): Record<QueryName, Query> {
  const texts: Record<QueryName, string> = {
    upsert: `SELECT ${s}.upsert($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    remove: `SELECT ${s}.remove($1, $2, $3)`,
    removePeer: `SELECT ${s}.remove_peer($1, $2)`,
    expire: `SELECT ${s}.expire($1)`,
    countByPeer: `SELECT count(*) FROM ${s}.registrations
      WHERE peer_id = $1 AND namespace IS DISTINCT FROM $2 AND expires_at > $3`,
    count: `SELECT (SELECT stored FROM ${s}.totals WHERE id = 0)
      - (SELECT count(*) FROM ${s}.registrations WHERE expires_at <= $1)`,
    discoverNamespace: `SELECT ${COLUMNS} FROM ${s}.registrations
      WHERE namespace = $1 AND position > $2 AND expires_at > $3 AND ($5::text[] IS NULL OR format = ANY ($5::text[]))
      ORDER BY position LIMIT $4`,
    discoverAll: `SELECT ${COLUMNS} FROM ${s}.registrations
      WHERE position > $1 AND expires_at > $2 AND ($4::text[] IS NULL OR format = ANY ($4::text[]))
      ORDER BY position LIMIT $3`,
    sample: `SELECT ${COLUMNS} FROM ${s}.sample($1, $2, $3, $4::text[])`,
    secret: `SELECT ${s}.secret($1, $2)`,
    ping: 'SELECT 1'
  }

  return Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, { name: `rendezvous-${s}-${name}`, text }])) as Record<QueryName, Query>
}

export type QueryName = 'upsert' | 'remove' | 'removePeer' | 'expire' | 'countByPeer' | 'count' |
'discoverNamespace' | 'discoverAll' | 'sample' | 'secret' | 'ping'
