import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findPostgresBinaries, startPostgres } from '../src/testing.ts'

describe('a missing PostgreSQL fails naming the install script', () => {
  it('startPostgres rejects with PostgresNotFoundError that names .ci/postgres.sh when there is no initdb', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'rendezvous-no-postgres-'))

    try {
      await assert.rejects(startPostgres({ bindir: empty }), (err: any) => {
        assert.equal(err.name, 'PostgresNotFoundError')
        assert.match(err.message, /\.ci\/postgres\.sh/)
        assert.match(err.message, new RegExp(empty))
        return true
      })
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('on this machine the installation is found (run .ci/postgres.sh if this fails)', () => {
    assert.match(findPostgresBinaries(), /\//)
  })
})
