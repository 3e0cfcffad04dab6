import assert from 'node:assert/strict'
import type { Registration, RegistrationStore } from '@rendezvous/store'

const FAR = 4_000_000_000_000

/** A registration of {@link PRE_FORMAT_ROWS}: namespace, peer, position, envelope length, envelope byte, registeredAt, expiresAt */
export type PreFormatRow = [string, string, number, number, number, number, number]

/**
 * What the fixtures written before record formats existed hold (store-level's `schema-1-database`,
 * store-sqlite's `schema-2.sqlite`; each fixture's `.md` says how they were made): the same seven live
 * registrations, written through each store's public API by the same steps
 */
export const PRE_FORMAT_ROWS: readonly PreFormatRow[] = [
  ['waku/2/rs/0/1', '12D3KooWPeer1', 1, 41, 1, 1_000_001, FAR + 1],
  ['waku/2/rs/0/1', '12D3KooWPeer3', 3, 43, 3, 1_000_003, FAR + 3],
  ['chat', '12D3KooWPeer4', 4, 44, 4, 1_000_004, FAR + 4],
  ['waku/2/rs/0/1', '12D3KooWPeer5', 5, 45, 5, 1_000_005, FAR + 5],
  ['chat', '12D3KooWPeer6', 6, 46, 6, 1_000_006, FAR + 6],
  ['chat', '12D3KooWPeer8', 8, 48, 8, 1_000_008, FAR + 8],
  ['chat', '12D3KooWPeer2', 9, 50, 22, 1_000_100, FAR + 100]
]

/**
 * Checks that a store opened on a migrated copy of a pre-format fixture (with a clock at 2 000 000) holds
 * every registration of {@link PRE_FORMAT_ROWS}, in the standard format, and answers reads on them as any
 * store would: counts, a format filter, a cookie, a sample
 */
export async function expectPreFormatRowsMigrated (store: RegistrationStore): Promise<void> {
  const { registrations } = await store.discover({ limit: 100 })
  assert.deepEqual(registrations.map(r => [r.namespace, r.peerId, r.position, r.signedPeerRecord.byteLength, r.signedPeerRecord[0], r.registeredAt, r.expiresAt]), PRE_FORMAT_ROWS)

  for (const r of registrations) {
    assert.equal(r.format, 'standard')
    assert.equal(r.ttl, 7200)
    assert.ok([...r.signedPeerRecord].every(byte => byte === r.signedPeerRecord[0]), 'the envelope is as written')
  }

  assert.equal(await store.count(), 7)
  assert.equal(await store.countByPeer('12D3KooWPeer2'), 1)
  assert.deepEqual((await store.discover({ limit: 100, formats: ['standard'] })).registrations.map(r => r.position), PRE_FORMAT_ROWS.map(row => row[2]))
  assert.deepEqual((await store.discover({ namespace: 'chat', limit: 2, after: 4, formats: ['standard'] })).registrations.map(r => r.position), [6, 8])
  assert.deepEqual((await store.discover({ namespace: 'chat', limit: 100, formats: ['waku'] })).registrations, [])
  assert.deepEqual((await store.sample('waku/2/rs/0/1', 10, { formats: ['standard'] })).map(r => r.peerId).sort(), ['12D3KooWPeer1', '12D3KooWPeer3', '12D3KooWPeer5'])
}

/**
 * After {@link expectPreFormatRowsMigrated}: a refresh into another format and a new registration under a
 * store limit of 8 both take positions above every old one, a ninth is refused, and a format filter finds
 * the two. Resolves the refreshed and the added registration, for the caller's checks of their positions.
 */
export async function expectMigratedStoreTakesWrites (store: RegistrationStore): Promise<{ refreshed: Registration, added: Registration }> {
  const refreshed = await store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer4', signedPeerRecord: Uint8Array.of(9), format: 'waku', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR })
  assert.ok(refreshed.position > 9, 'above every position the old code handed out')
  const added = await store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer7', signedPeerRecord: Uint8Array.of(7), format: 'rust-legacy', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR }, { maxRegistrations: 8 })
  await assert.rejects(store.upsert({ namespace: 'chat', peerId: '12D3KooWPeer9', signedPeerRecord: Uint8Array.of(7), format: 'waku', ttl: 60, registeredAt: 2_000_000, expiresAt: FAR }, { maxRegistrations: 8 }), { name: 'RegistrationLimitError' })
  assert.deepEqual((await store.discover({ namespace: 'chat', limit: 100, formats: ['waku', 'rust-legacy'] })).registrations.map(r => r.peerId), ['12D3KooWPeer4', '12D3KooWPeer7'])
  return { refreshed, added }
}
