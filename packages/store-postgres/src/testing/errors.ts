/**
 * No PostgreSQL server installation was found: no `initdb` under `RENDEZVOUS_PG_BINDIR`, `pg_config --bindir`
 * or `/usr/lib/postgresql/<version>/bin`. `.ci/postgres.sh` in the repository installs one.
 */
export class PostgresNotFoundError extends Error {
  static readonly name = 'PostgresNotFoundError'
  override readonly name = 'PostgresNotFoundError'
}

/** A command of the PostgreSQL installation (`initdb`, `pg_ctl`) failed; the message carries its output */
export class PostgresCommandError extends Error {
  static readonly name = 'PostgresCommandError'
  override readonly name = 'PostgresCommandError'
}
