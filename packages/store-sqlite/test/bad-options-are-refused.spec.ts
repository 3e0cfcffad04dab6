import { expect } from 'aegir/chai'
import { sqliteStore } from '../src/index.ts'

describe('options', () => {
  it('a missing or empty path, or a clock that is not a function, rejects with InvalidArgumentError', async () => {
    for (const init of [{}, { path: '' }, { path: 42 }, { path: '/tmp/x', clock: 5 }]) {
      await expect(sqliteStore(init as any), JSON.stringify(init)).to.eventually.be.rejected.with.property('name', 'InvalidArgumentError')
    }
  })

  it('a synchronous setting other than NORMAL or FULL rejects with InvalidArgumentError', async () => {
    await expect(sqliteStore({ path: '/tmp/never-created.sqlite', synchronous: 'OFF' as any })).to.eventually.be.rejected.with.property('name', 'InvalidArgumentError')
  })
})
