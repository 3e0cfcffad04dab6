import { expect } from 'aegir/chai'
import { memoryStore } from '../src/index.ts'
import { seeded } from './fixtures.ts'
import type { NewRegistration, Registration } from '@rendezvous/store'

interface Model {
  registration: NewRegistration
  position: number
}

/**
 * A long random history of every operation, checked step by step against a plain model: the indexes
 * (position logs, expiry heap, sampling arrays, envelope arena) must agree with it at every read.
 */
describe('memory store against a model', function () {
  this.timeout(60_000)

  for (const seed of [1, 2, 3]) {
    it(`random history ${seed}`, async () => {
      const random = seeded(seed)
      let now = 1_700_000_000_000
      const store = memoryStore({ clock: () => now, random: seeded(seed + 100) })
      const model = new Map<string, Model>()
      const namespaces = ['a', 'b', 'c', 'ab', 'a\u0000']
      const peers = Array.from({ length: 40 }, (_, i) => `peer-${i}`)
      const formats = ['standard', 'rust-legacy', 'waku']
      // no filter, or a random subset of the formats (the empty one too)
      const filter = (): string[] | undefined => random() < 0.4 ? undefined : formats.filter(() => random() < 0.5)
      const matches = (m: Model, wanted: string[] | undefined): boolean => wanted === undefined || wanted.includes(m.registration.format)
      let position = 0
      let sequence = 0

      const live = (): Model[] => {
        const at = now
        return [...model.values()].filter(m => m.registration.expiresAt > at).sort((x, y) => x.position - y.position)
      }
      const same = (actual: Registration, expected: Model): void => {
        expect(actual.position).to.equal(expected.position)
        expect(actual.namespace).to.equal(expected.registration.namespace)
        expect(actual.peerId).to.equal(expected.registration.peerId)
        expect(actual.format).to.equal(expected.registration.format)
        expect(actual.expiresAt).to.equal(expected.registration.expiresAt)
        expect(actual.signedPeerRecord).to.deep.equal(expected.registration.signedPeerRecord)
      }

      for (let step = 0; step < 6000; step++) {
        const r = random()
        const namespace = namespaces[Math.floor(random() * namespaces.length)]
        const peerId = peers[Math.floor(random() * peers.length)]

        if (r < 0.45) {
          const length = random() < 0.02 ? 9000 : 1 + Math.floor(random() * 400)
          const ttl = Math.floor(random() * 30)
          const signedPeerRecord = new Uint8Array(length)
          for (let i = 0; i < length; i++) { signedPeerRecord[i] = (sequence * 13 + i) & 0xff }
          const registration: NewRegistration = {
            namespace,
            peerId,
            signedPeerRecord,
            format: formats[Math.floor(random() * formats.length)],
            ttl,
            registeredAt: now,
            expiresAt: now + ttl * 1000
          }
          sequence++
          const stored = await store.upsert(registration)
          expect(stored.position).to.be.greaterThan(position)
          position = stored.position
          model.set(`${namespace}/${peerId}`, { registration, position })
        } else if (r < 0.55) {
          expect(await store.remove(namespace, peerId)).to.equal(model.delete(`${namespace}/${peerId}`))
        } else if (r < 0.58) {
          const expected = [...model.values()].filter(m => m.registration.peerId === peerId).length
          expect(await store.removePeer(peerId)).to.equal(expected)
          for (const [key, m] of model) { if (m.registration.peerId === peerId) { model.delete(key) } }
        } else if (r < 0.65) {
          now += Math.floor(random() * 4000)
        } else if (r < 0.7) {
          const at = now
          const due = [...model.entries()].filter(([, m]) => m.registration.expiresAt <= at)
          expect(await store.expire()).to.equal(due.length)
          for (const [key] of due) { model.delete(key) }
        } else if (r < 0.8) {
          const wanted = filter()
          const inNamespace = random() < 0.8
          const expected = live().filter(m => (!inNamespace || m.registration.namespace === namespace) && matches(m, wanted))
          const after = expected.length > 0 && random() < 0.5 ? expected[Math.floor(random() * expected.length)].position : 0
          const limit = Math.floor(random() * 6)
          const result = await store.discover({ namespace: inNamespace ? namespace : undefined, after, limit, formats: wanted })
          const want = expected.filter(m => m.position > after).slice(0, limit)
          expect(result.registrations).to.have.length(want.length)
          result.registrations.forEach((got, i) => { same(got, want[i]) })
          expect(result.position).to.equal(want.length > 0 ? want[want.length - 1].position : after)
        } else if (r < 0.85) {
          const all = await store.discover({ after: 0, limit: 10_000 })
          const want = live()
          expect(all.registrations.map(x => x.position)).to.deep.equal(want.map(m => m.position))
        } else if (r < 0.93) {
          const limit = Math.floor(random() * 8)
          const wanted = filter()
          const sample = await store.sample(namespace, limit, { formats: wanted })
          const candidates = new Map(live().filter(m => m.registration.namespace === namespace && matches(m, wanted)).map(m => [m.position, m]))
          expect(sample).to.have.length(Math.min(limit, candidates.size))
          expect(new Set(sample.map(x => x.position)).size).to.equal(sample.length)
          for (const got of sample) { same(got, candidates.get(got.position) as Model) }
        } else if (r < 0.96) {
          // a new registration (or a refresh) under limits, checked against the model's counts
          const maxRegistrations = Math.floor(random() * (live().length + 3))
          const maxRegistrationsPerPeer = Math.floor(random() * 4)
          const key = `${namespace}/${peerId}`
          const isRefresh = model.has(key) && (model.get(key) as Model).registration.expiresAt > now
          const ofPeer = live().filter(m => m.registration.peerId === peerId).length
          const refusal = isRefresh ? undefined : ofPeer >= maxRegistrationsPerPeer ? 'peer' : live().length >= maxRegistrations ? 'store' : undefined
          const registration: NewRegistration = { namespace, peerId, signedPeerRecord: Uint8Array.of(sequence++ & 0xff), format: formats[Math.floor(random() * formats.length)], ttl: 5, registeredAt: now, expiresAt: now + 5000 }

          if (refusal === undefined) {
            const stored = await store.upsert(registration, { maxRegistrations, maxRegistrationsPerPeer })
            position = stored.position
            model.set(key, { registration, position })
          } else {
            await expect(store.upsert(registration, { maxRegistrations, maxRegistrationsPerPeer })).to.eventually.be.rejected.with.property('limit', refusal)
          }
        } else {
          expect(await store.count()).to.equal(live().length)
          const exclude = random() < 0.5 ? namespace : undefined
          expect(await store.countByPeer(peerId, { excludeNamespace: exclude })).to.equal(live().filter(m => m.registration.peerId === peerId && m.registration.namespace !== exclude).length)
        }
      }

      await store.close()
    })
  }
})

describe('memory store', () => {
  it('returns frozen registrations: a caller cannot change what others read', async () => {
    const store = memoryStore()
    const now = Date.now()
    const stored = await store.upsert({ namespace: 'chat', peerId: 'peer', signedPeerRecord: Uint8Array.of(1, 2), format: 'standard', ttl: 60, registeredAt: now, expiresAt: now + 60_000 })
    expect(Object.isFrozen(stored)).to.be.true()
    expect(() => { (stored as any).position = 0 }).to.throw(TypeError)

    const [read] = (await store.discover({ limit: 1 })).registrations
    expect(read).to.equal(stored, 'reads return the same object, allocating nothing per registration')
  })

  it('uses Date.now when no clock is given', async () => {
    const store = memoryStore()
    const now = Date.now()
    await store.upsert({ namespace: 'chat', peerId: 'a', signedPeerRecord: Uint8Array.of(1), format: 'standard', ttl: 0, registeredAt: now - 10, expiresAt: now - 1 })
    await store.upsert({ namespace: 'chat', peerId: 'b', signedPeerRecord: Uint8Array.of(1), format: 'standard', ttl: 60, registeredAt: now, expiresAt: now + 60_000 })
    expect(await store.count()).to.equal(1)
  })

  it('frees its indexes when closed', async () => {
    const store = memoryStore()
    const now = Date.now()
    await store.upsert({ namespace: 'chat', peerId: 'a', signedPeerRecord: Uint8Array.of(1), format: 'standard', ttl: 60, registeredAt: now, expiresAt: now + 60_000 })
    await store.close()
    await expect(store.count()).to.eventually.be.rejected.with.property('name', 'StoreClosedError')
  })
})
