import { expect } from 'aegir/chai'
import { levelStore } from '../src/index.ts'

describe('options', () => {
  it('a missing or empty path, or a clock that is not a function, rejects with InvalidArgumentError', async () => {
    for (const init of [{}, { path: '' }, { path: 42 }, { path: '/tmp/x', clock: 5 }]) {
      await expect(levelStore(init as any), JSON.stringify(init)).to.eventually.be.rejected.with.property('name', 'InvalidArgumentError')
    }
  })
})
