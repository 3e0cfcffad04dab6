import { join } from 'node:path'
import { temporaryDirectory } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import Database from 'better-sqlite3'
import { sqliteStore } from '../src/index.ts'
import { QUERIES } from '../src/queries.ts'

/** Sample arguments for each statement, so EXPLAIN QUERY PLAN can prepare and plan it */
const ARGUMENTS: Record<keyof typeof QUERIES, unknown[]> = {
  positionMark: [],
  reservePositions: [1],
  insert: ['ns', 1, 'peer', new Uint8Array(1), 1, 1, 2, 'standard'],
  removeKey: ['peer', 'ns'],
  removePeer: ['peer'],
  countByPeer: ['peer', null, 1],
  discoverNamespaceFormat: ['ns', 'waku', 0, 1, 100],
  discoverNamespaceFormatEnvelopes: ['ns', 'waku', 0, 1, 100],
  discoverFormat: ['waku', 0, 1, 100],
  discoverFormatEnvelopes: ['waku', 0, 1, 100],
  sample: [{ namespace: 'ns', now: 1, limit: 20 }],
  sampleFormats: [{ namespace: 'ns', formats: '["waku","standard"]', now: 1, limit: 20 }],
  formatsPresent: [],
  expire: [1],
  countExpired: [1]
}

describe('query plans', () => {
  it('no statement scans a table: each one seeks in the primary key or an index', async () => {
    const directory = await temporaryDirectory('store-sqlite')

    try {
      const path = join(directory.path, 'registrations.sqlite')
      await (await sqliteStore({ path })).close()
      const db = new Database(path, { readonly: true })

      try {
        for (const [name, sql] of Object.entries(QUERIES)) {
          const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...ARGUMENTS[name as keyof typeof QUERIES]) as Array<{ detail: string }>
          const details = plan.map(step => step.detail)

          for (const detail of details.filter(detail => detail.startsWith('SCAN '))) {
            // the only scans allowed are of subquery results (a page, a sample) and of the list of formats
            // a filtered sample was given
            // a filtered sample was given, and of the recursive query that finds the formats present
            expect(['SCAN chosen', 'SCAN (subquery-1)', 'SCAN json_each VIRTUAL TABLE INDEX 1:', 'SCAN CONSTANT ROW', 'SCAN present'], `${name}: ${details.join(' | ')}`).to.include(detail)
          }

          if (/^discover[A-Za-z]*$/.test(name) && !name.endsWith('Envelopes')) {
            // a page is read along an index in position order and stops at the limit: no sorting of everything after `after`
            expect(details.some(detail => detail.includes('TEMP B-TREE')), `${name}: ${details.join(' | ')}`).to.be.false()
          }

          if (name.startsWith('discover') && name.includes('Format')) {
            // a filtered page reads one format's range, never rows of other formats
            expect(details.some(detail => /^SEARCH registrations USING (PRIMARY KEY \(namespace=\? AND |INDEX registrations_by_format \()format=\? AND position>\?\)/.test(detail)), `${name}: ${details.join(' | ')}`).to.be.true()
          }

          if (name === 'sampleFormats') {
            expect(details.some(detail => detail.startsWith('SEARCH registrations USING COVERING INDEX registrations_by_namespace_format_expiry (namespace=? AND format=? AND expires_at>?)')), `${name}: ${details.join(' | ')}`).to.be.true()
          }

          if (name !== 'insert') {
            expect(details.some(detail => /^SEARCH \w+ USING (COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY) /.test(detail)), `${name}: ${details.join(' | ')}`).to.be.true()
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
