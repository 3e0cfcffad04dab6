/**
 * The PostgreSQL of the ts-postgres targets (store-postgres's test server: initdb, pg_ctl start on
 * 127.0.0.1), when the run has any; ts-server.ts finds it in BENCH_DATABASE_URL. Stopped when the run ends.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { POSTGRES_SETTINGS } from './config.ts'
import { SESSIONS } from './sessions.ts'
import { isPostgres, TARGETS } from './targets.ts'

export interface BenchPostgres {
  url: string
  stop(): Promise<void>
}

export async function startPostgresIfNeeded (): Promise<BenchPostgres | undefined> {
  if (!TARGETS.some(isPostgres) || !SESSIONS.some(s => s.targets.some(isPostgres))) {
    return undefined
  }
  // from the workspace build: interop does not depend on store-postgres
  const testing = await import(new URL('../../packages/store-postgres/dist/src/testing.js', import.meta.url).href)
  // BENCH_POSTGRES_SETTINGS: an experiment's server settings (never in a full run)
  const postgres: BenchPostgres = await testing.startPostgres({ settings: { max_connections: '200', ...POSTGRES_SETTINGS } })
  process.env.BENCH_DATABASE_URL = postgres.url
  psql = join(testing.findPostgresBinaries(), 'psql')
  process.once('exit', () => { void postgres.stop() })
  return postgres
}

let psql: string | undefined

/**
 * Drop a stopped server's schema, tables and all. Left in place, the tables a server filled are vacuumed and
 * analysed by autovacuum a little later, while the next target runs, so the second target of each pair (the
 * two workers) could pay for the first's tables in its own phases: before this, PostgreSQL's CPU was higher
 * in the two workers' phases in every run (docs/fleet.md, "One point on every core").
 */
export async function dropSchema (schema: string): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL
  if (psql == null || url == null) {
    return
  }
  await promisify(execFile)(psql, [url, '--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-c', `DROP SCHEMA IF EXISTS "${schema}" CASCADE`], { timeout: 60_000 })
}
