import { join } from 'node:path'
import { expect } from 'aegir/chai'
import Database from 'better-sqlite3'
import { sqliteStore } from '../src/index.ts'
import { QUERIES } from '../src/queries.ts'
import { temporaryDirectory } from './fixtures/temporary-directory.ts'

/** Sample arguments for each statement, so EXPLAIN QUERY PLAN can prepare and plan it */
const ARGUMENTS: Record<keyof typeof QUERIES, unknown[]> = {
  insert: ['ns', 'peer', new Uint8Array(1), 1, 1, 2],
  removeKey: ['peer', 'ns'],
  removePeer: ['peer'],
  countByPeer: ['peer', null, 1],
  discoverAll: [0, 1, 100],
  discoverNamespace: ['ns', 0, 1, 100],
  sample: ['ns', 1, 20],
  expire: [1],
  count: [1]
}

describe('query plans', () => {
  it('no statement scans the registrations table: each one seeks in an index or in the position order', async () => {
    const directory = await temporaryDirectory()

    try {
      const path = join(directory.path, 'registrations.sqlite')
      await (await sqliteStore({ path })).close()
      const db = new Database(path, { readonly: true })

      try {
        for (const [name, sql] of Object.entries(QUERIES)) {
          const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...ARGUMENTS[name as keyof typeof QUERIES]) as Array<{ detail: string }>
          const details = plan.map(step => step.detail)

          for (const detail of details.filter(detail => detail.startsWith('SCAN '))) {
            // the only scans allowed are of the constant row of count() and of the sampled positions
            expect(['SCAN CONSTANT ROW', 'SCAN chosen'], `${name}: ${details.join(' | ')}`).to.include(detail)
          }

          if (name !== 'insert') {
            expect(details.some(detail => /^SEARCH (registrations|r) USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY)/.test(detail)), `${name}: ${details.join(' | ')}`).to.be.true()
          }
        }
      } finally {
        db.close()
      }
    } finally {
      await directory.remove()
    }
  })
})
