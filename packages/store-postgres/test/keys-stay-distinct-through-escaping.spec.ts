/**
 * PostgreSQL text cannot hold NUL, so namespaces and peer IDs are escaped (src/keys.ts). The escape must be
 * one-to-one: two different strings never share a stored form, and every stored form reads back as it was.
 */
import assert from 'node:assert/strict'
import { decodeKey, encodeKey } from '../src/keys.ts'

const STRINGS = ['', 'a', 'chat', 'a\u0000', 'a\u0000b', '\u0000', '\\', '\\0', '\\\\', '\\\u0000', '\u0000\\', '\\\\0', 'a/b', 'ü', '😀', 'x\\y\u0000z']

describe('keys stay distinct through escaping', () => {
  it('every string reads back as it was, and no stored form holds NUL', () => {
    for (const value of STRINGS) {
      const stored = encodeKey(value)
      assert.ok(!stored.includes('\u0000'), JSON.stringify(value))
      assert.equal(decodeKey(stored), value, JSON.stringify(value))
    }
  })

  it('different strings are stored differently', () => {
    const stored = STRINGS.map(encodeKey)
    assert.equal(new Set(stored).size, STRINGS.length)
  })

  it('strings without NUL or backslash are stored as they are', () => {
    for (const value of ['chat', '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', 'a/b c']) {
      assert.equal(encodeKey(value), value)
    }
  })
})
