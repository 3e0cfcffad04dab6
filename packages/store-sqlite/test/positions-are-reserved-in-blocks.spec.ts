import { join } from 'node:path'
import { temporaryDirectory } from '@rendezvous/test-utils'
import { expect } from 'aegir/chai'
import Database from 'better-sqlite3'
import { POSITION_BLOCK } from '../src/constants.ts'
import { sqliteStore } from '../src/index.ts'
import type { NewRegistration } from '@rendezvous/store'

function registration (i: number): NewRegistration {
  return { namespace: `ns-${i % 5}`, peerId: `peer-${i}`, signedPeerRecord: new Uint8Array(8).fill(i & 0xff), format: 'standard', ttl: 60, registeredAt: 1, expiresAt: 4_000_000_000_000 }
}

describe('positions reserved in blocks', () => {
  it('the mark on disk covers every position handed out, across a block boundary, and a reopen continues above it', async () => {
    const directory = await temporaryDirectory('store-sqlite')
    const path = join(directory.path, 'registrations.sqlite')

    try {
      let store = await sqliteStore({ path })
      let highest = 0

      for (let i = 0; i < POSITION_BLOCK + 5; i++) {
        const { position } = await store.upsert(registration(i))
        expect(position).to.be.greaterThan(highest)
        highest = position
      }

      // the newest removed, so the rows alone would let their positions be handed out again
      for (let i = POSITION_BLOCK; i < POSITION_BLOCK + 5; i++) {
        await store.remove(registration(i).namespace, registration(i).peerId)
      }

      await store.close()

      const db = new Database(path, { readonly: true })
      const mark = db.prepare('SELECT last FROM position_counter').pluck().get() as number
      db.close()
      expect(mark).to.be.at.least(highest).and.below(highest + POSITION_BLOCK)

      store = await sqliteStore({ path })
      expect(await store.count()).to.equal(POSITION_BLOCK)
      const next = await store.upsert(registration(1))
      expect(next.position).to.be.greaterThan(mark)
      expect(await store.count(), 'a refresh').to.equal(POSITION_BLOCK)
      await store.close()
    } finally {
      await directory.remove()
    }
  })
})
