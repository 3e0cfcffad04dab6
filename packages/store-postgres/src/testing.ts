/**
 * @packageDocumentation
 *
 * A real PostgreSQL server for the tests of this package and of the packages that use it (the daemon's):
 * `initdb` into a temporary directory and `pg_ctl start` on 127.0.0.1 and a free port. Never a mock.
 *
 * @example
 *
 * ```ts
 * import { postgresStore } from '@rendezvous/store-postgres'
 * import { startPostgres } from '@rendezvous/store-postgres/testing'
 *
 * const server = await startPostgres()
 * const store = await postgresStore({ url: server.url })
 * // ... server.crash(), server.start() to test an outage
 * await store.close()
 * await server.stop()
 * ```
 */

export { startPostgres, findPostgresBinaries } from './testing/server.ts'
export type { PostgresServer, StartPostgresOptions } from './testing/server.ts'
export { PostgresNotFoundError, PostgresCommandError } from './testing/errors.ts'
