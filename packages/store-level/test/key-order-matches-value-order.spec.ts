import { expect } from 'aegir/chai'
import { expiryKey, namespaceOrderKey, namespaceOrderPrefix, prefixUpperBound, readSortableNumber, utf8 } from '../src/keys.ts'

describe('key layout', () => {
  it('expiry keys sort by time, then by position, as unsigned bytes', () => {
    const times = [0, 1, 255, 256, 1_700_000_000_000, 1_700_000_000_001, 4_000_000_000_000, Number.MAX_SAFE_INTEGER]
    const keys = times.flatMap(time => [1, 2, 2 ** 32, 2 ** 40].map(position => ({ time, position, key: expiryKey(time, position) })))
    const sorted = [...keys].sort((a, b) => Buffer.compare(a.key, b.key))

    expect(sorted.map(({ time, position }) => [time, position])).to.deep.equal(keys.map(({ time, position }) => [time, position]))

    for (const { time, key } of keys) {
      expect(readSortableNumber(key, 1)).to.equal(time)
    }
  })

  it('a namespace\'s order keys never fall in the range of another namespace that it is a prefix of', () => {
    const names = ['a', 'ab', 'a\u0000', 'a\u0000b', '\u00e9', 'e\u0301', 'z'.repeat(255)]

    for (const name of names) {
      const prefix = namespaceOrderPrefix(utf8(name))
      const lower = namespaceOrderKey(prefix, 0)
      const upper = prefixUpperBound(prefix)

      for (const other of names.filter(other => other !== name)) {
        const key = namespaceOrderKey(namespaceOrderPrefix(utf8(other)), 12345)
        const inside = Buffer.compare(key, lower) > 0 && Buffer.compare(key, upper) < 0
        expect(inside, `${JSON.stringify(other)} inside the range of ${JSON.stringify(name)}`).to.be.false()
      }
    }
  })
})
