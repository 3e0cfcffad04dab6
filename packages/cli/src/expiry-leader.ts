import pg from 'pg'
import { EXPIRY_LEADER_LOCK } from './constants.ts'
import type { RegistrationStore } from '@rendezvous/store'

/**
 * Elects one point of a fleet (and one worker of a point) to run expiry: the holder of a session-level
 * PostgreSQL advisory lock, taken with `pg_try_advisory_lock` on a connection of its own and held as long
 * as that connection lives. Every point's server calls `expire()` on its timer; at the holder it deletes
 * what expired, at the others it returns 0 without asking the store anything. When the holder stops or
 * dies, its connection closes, PostgreSQL releases the lock, and the next point whose timer fires takes
 * it over.
 *
 * Why not let every point expire: the store serialises expiry passes under its write lock, so several
 * points expiring would delete nothing twice, but each pass still waits its turn behind the fleet's
 * REGISTERs and holds up the ones behind it (docs/fleet.md, "Who runs expiry").
 */
export class ExpiryLeader {
  private readonly url: string
  private client?: pg.Client
  private closed = false
  private leading = false

  constructor (url: string) {
    this.url = url
  }

  /** Whether this process held the lock at its last attempt */
  get isLeader (): boolean {
    return this.leading
  }

  /**
   * Whether this process holds the expiry lock now: keeps the connection that holds it, or tries to take
   * it on a new one. Any failure (database down) counts as not holding it.
   */
  async hold (): Promise<boolean> {
    if (this.closed) {
      return false
    }
    try {
      if (this.client != null) {
        // the lock lives as long as the connection: a query that answers proves both
        await this.client.query('SELECT 1')
        this.leading = true
        return true
      }
      const client = new pg.Client({ connectionString: this.url, application_name: 'rendezvous expiry', connectionTimeoutMillis: 5000, query_timeout: 10_000 })
      // a connection that breaks while idle is dropped at the next attempt; its error must not crash the process
      client.on('error', () => { this.drop(client) })
      await client.connect()
      const result = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', [EXPIRY_LEADER_LOCK.classId, EXPIRY_LEADER_LOCK.objectId])
      if (result.rows[0]?.held === true && !this.closed) {
        this.client = client
        this.leading = true
        return true
      }
      await client.end().catch(() => {})
    } catch {
      if (this.client != null) {
        this.drop(this.client)
      }
    }
    this.leading = false
    return false
  }

  private drop (client: pg.Client): void {
    if (this.client === client) {
      this.client = undefined
      this.leading = false
    }
    client.end().catch(() => {})
  }

  /** Give up the lock (closing its connection releases it) */
  async close (): Promise<void> {
    this.closed = true
    this.leading = false
    const client = this.client
    this.client = undefined
    await client?.end().catch(() => {})
  }
}

/**
 * The store as the rendezvous server sees it: every method is the store's, except that `expire()` runs
 * only while `leader` holds the expiry lock, and `close()` gives the lock up first
 */
export function withExpiryLeader<S extends RegistrationStore> (store: S, leader: ExpiryLeader): S {
  return new Proxy(store, {
    get (target, property, receiver) {
      if (property === 'expire') {
        return async () => (await leader.hold()) ? target.expire() : 0
      }
      if (property === 'close') {
        return async () => {
          await leader.close()
          await target.close()
        }
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
