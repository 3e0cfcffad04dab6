import { DIALECTS, wakuV0 } from '@rendezvous/codec'
import { expect } from 'aegir/chai'
import { resolveConfig } from '../src/config.ts'
import { InvalidServerConfigError } from '../src/index.ts'
import { TestStore } from './fixtures/test-store.ts'
import type { RendezvousServerInit } from '../src/index.ts'

describe('options', () => {
  const store = new TestStore()

  it('applies the documented defaults', () => {
    const config = resolveConfig({ store })
    expect(config.dialects).to.deep.equal([...DIALECTS])
    expect(config.ttl).to.deep.equal({ default: 7200, min: 7200, max: 259200 })
    expect(config).to.deep.include({
      maxRegistrationsPerPeer: 1000,
      maxRegistrations: Infinity,
      maxDiscoverLimit: 1000,
      maxInboundStreams: 16,
      runOnLimitedConnection: false,
      maxRequestBytes: 16384,
      maxResponseBytes: 4194304,
      streamTimeout: 10_000,
      idleTimeout: 150_000,
      shutdownTimeout: 5000,
      verificationCacheSize: 10_000,
      expiryInterval: 60_000
    })
    expect(config.cookieSecret).to.have.lengthOf(32)
  })

  it('fills a partial TTL window around what is given', () => {
    expect(resolveConfig({ store, ttl: { min: 60 } }).ttl).to.deep.equal({ default: 7200, min: 60, max: 259200 })
    expect(resolveConfig({ store, ttl: { min: 60, max: 3600 } }).ttl).to.deep.equal({ default: 3600, min: 60, max: 3600 })
    expect(resolveConfig({ store, ttl: { default: 60, min: 60 } }).ttl).to.deep.equal({ default: 60, min: 60, max: 259200 })
    expect(resolveConfig({ store, ttl: { min: 300_000 } }).ttl).to.deep.equal({ default: 300_000, min: 300_000, max: 300_000 })
  })

  it('copies the cookie secret, so later changes by the caller do not matter', () => {
    const secret = new Uint8Array(16).fill(7)
    const config = resolveConfig({ store, cookieSecret: secret })
    secret.fill(0)
    expect(config.cookieSecret).to.equalBytes(new Uint8Array(16).fill(7))
  })

  const bad: Array<[string, Partial<RendezvousServerInit>]> = [
    ['no store', { store: undefined }],
    ['a store that is not one', { store: {} as any }],
    ['no dialects', { dialects: [] }],
    ['a dialect twice', { dialects: [wakuV0, wakuV0] }],
    ['a dialect that is not one', { dialects: [{} as any] }],
    ['an unknown dialect name', { dialects: ['rendezvous/9.9.9'] }],
    ['min above default', { ttl: { min: 100, default: 50 } }],
    ['max below min', { ttl: { min: 100, max: 50 } }],
    ['ttl 0', { ttl: { min: 0 } }],
    ['fractional ttl', { ttl: { default: 7200.5 } }],
    ['a ttl past 2^32 - 1 seconds', { ttl: { max: 2 ** 32 } }],
    ['per-peer cap 0', { maxRegistrationsPerPeer: 0 }],
    ['global cap NaN', { maxRegistrations: NaN }],
    ['discover limit Infinity', { maxDiscoverLimit: Infinity }],
    ['short cookie secret', { cookieSecret: new Uint8Array(8) }],
    ['0 streams', { maxInboundStreams: 0 }],
    ['tiny request frames', { maxRequestBytes: 10 }],
    ['negative timeout', { streamTimeout: -1 }],
    ['negative cache', { verificationCacheSize: -1 }],
    ['clock not a function', { clock: 5 as any }],
    ['an empty identify service name', { identifyService: '' }],
    ['an identify service named by a number', { identifyService: 5 as any }]
  ]
  for (const [what, init] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => resolveConfig({ store, ...init } as RendezvousServerInit)).to.throw(InvalidServerConfigError)
    })
  }
})
