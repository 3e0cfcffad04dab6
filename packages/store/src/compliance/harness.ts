import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesEqual } from '../registration.ts'
import type { Clock, DiscoverOptions, NewRegistration, Registration, RegistrationStore } from '../store.ts'

/**
 * A clock the tests move by hand. `clock` is the function to give a store; `now` is what it returns.
 */
export class ManualClock {
  /** What {@link ManualClock.clock} returns, in milliseconds since the epoch */
  now: number

  /** The function to hand to a store */
  readonly clock: Clock

  constructor (start: number = DEFAULT_START) {
    this.now = start
    this.clock = () => this.now
  }

  /** Move the clock forward (or back, with a negative number) */
  advance (ms: number): void {
    this.now += ms
  }

  /** Set the clock */
  set (ms: number): void {
    this.now = ms
  }
}

/** 2023-11-14T22:13:20Z: a realistic epoch time, so adapters that store times as integers see real magnitudes */
export const DEFAULT_START = 1_700_000_000_000

/** What the suite and the benchmark hand to an adapter's factory */
export interface StoreFactoryContext {
  /** The clock the store must read the time from (for liveness and `expire`) */
  clock: Clock

  /**
   * A directory for the store's files. Fresh and empty for each test, deleted after it. Tests of persistence
   * call the factory a second time with the same directory after closing the first store: the second store
   * must see what the first one wrote. Adapters without files ignore it.
   */
  directory: string
}

/** Opens a store. May return the store or a promise of it. */
export type StoreFactory = (context: StoreFactoryContext) => RegistrationStore | Promise<RegistrationStore>

/** The test functions the suite registers its tests with: mocha's globals by default */
export interface TestFramework {
  describe(title: string, fn: () => void): unknown
  it(title: string, fn: () => Promise<void>): unknown
}

/** One test's world: a clock, a directory, the stores opened on it, and fixtures */
export class Harness {
  readonly clock: ManualClock
  readonly directory: string
  private readonly factory: StoreFactory
  private readonly opened: RegistrationStore[] = []
  private current?: RegistrationStore
  private sequence = 0

  private constructor (factory: StoreFactory, directory: string) {
    this.factory = factory
    this.directory = directory
    this.clock = new ManualClock()
  }

  static async create (factory: StoreFactory): Promise<Harness> {
    const directory = await mkdtemp(join(tmpdir(), 'rendezvous-store-compliance-'))
    return new Harness(factory, directory)
  }

  /** The store under test, opened on first use */
  async store (): Promise<RegistrationStore> {
    if (this.current == null) {
      this.current = await this.open()
    }

    return this.current
  }

  /**
   * Open a store on this test's directory and clock, which becomes the current one. For persistence tests:
   * close the previous one first.
   */
  async open (): Promise<RegistrationStore> {
    const store = await this.factory({ clock: this.clock.clock, directory: this.directory })
    assert.ok(store != null && typeof store.upsert === 'function', 'the factory must return a RegistrationStore')
    this.opened.push(store)
    this.current = store
    return store
  }

  /** Close the current store and open a new one on the same directory */
  async reopen (): Promise<RegistrationStore> {
    const previous = await this.store()
    await previous.close()
    return this.open()
  }

  /** Close every store this test opened (errors ignored: a test may have closed them already) and delete the directory */
  async dispose (): Promise<void> {
    for (const store of this.opened) {
      try {
        await store.close()
      } catch {
        // a failing close is the business of the close tests, not of the cleanup
      }
    }

    await rm(this.directory, { recursive: true, force: true, maxRetries: 3 })
  }

  /**
   * A registration made now, live for `ttl` seconds (7200 unless given), in the record format `format`
   * (`'standard'` unless given), with a distinct envelope of `envelopeBytes` bytes (170 unless given) that
   * starts and ends with 0x00 and 0xff bytes.
   */
  registration (namespace: string, peerId: string, options: Partial<Omit<NewRegistration, 'namespace' | 'peerId'>> & { envelopeBytes?: number } = {}): NewRegistration {
    const ttl = options.ttl ?? 7200
    const registeredAt = options.registeredAt ?? this.clock.now
    const expiresAt = options.expiresAt ?? registeredAt + ttl * 1000

    return {
      namespace,
      peerId,
      signedPeerRecord: options.signedPeerRecord ?? envelope(++this.sequence, options.envelopeBytes),
      format: options.format ?? 'standard',
      ttl,
      registeredAt,
      expiresAt
    }
  }
}

/** A peer ID string that looks like a real one (base58btc of an Ed25519 identity multihash), distinct per index */
export function peerId (index: number): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
  let suffix = ''
  let n = index

  for (let i = 0; i < 8; i++) {
    suffix = alphabet[n % 58] + suffix
    n = Math.floor(n / 58)
  }

  return `12D3KooW${'R'.repeat(36)}${suffix}`
}

/** Deterministic envelope bytes for a sequence number: distinct per number, with 0x00 and 0xff at both ends */
export function envelope (sequence: number, length = 170): Uint8Array {
  const bytes = new Uint8Array(length)
  let state = (sequence * 2654435761) >>> 0

  for (let i = 0; i < length; i++) {
    state = (state * 1664525 + 1013904223) >>> 0
    bytes[i] = state >>> 24
  }

  bytes[0] = 0x00
  if (length > 1) { bytes[length - 1] = 0xff }
  if (length > 5) {
    bytes[1] = 0xff
    bytes[length - 2] = 0x00
    // the sequence number itself, so no two envelopes are equal
    new DataView(bytes.buffer).setUint32(2, sequence)
  }

  return bytes
}

/** Assert that a registration read back equals the expected one, field by field and byte for byte */
export function assertRegistration (actual: Registration | undefined, expected: NewRegistration & { position?: number }, message = ''): void {
  const where = message === '' ? '' : ` (${message})`
  assert.ok(actual != null, `expected a registration of ${expected.peerId} in ${JSON.stringify(expected.namespace)}${where}`)
  assert.equal(actual.namespace, expected.namespace, `namespace${where}`)
  assert.equal(actual.peerId, expected.peerId, `peerId${where}`)
  assert.equal(actual.format, expected.format, `format${where}`)
  assert.equal(actual.ttl, expected.ttl, `ttl${where}`)
  assert.equal(actual.registeredAt, expected.registeredAt, `registeredAt${where}`)
  assert.equal(actual.expiresAt, expected.expiresAt, `expiresAt${where}`)
  assert.ok(actual.signedPeerRecord instanceof Uint8Array, `signedPeerRecord must be a Uint8Array${where}`)
  assert.ok(bytesEqual(actual.signedPeerRecord, expected.signedPeerRecord), `signedPeerRecord must come back byte for byte${where}`)
  assert.ok(Number.isSafeInteger(actual.position) && actual.position >= 1, `position must be a positive safe integer, got ${actual.position}${where}`)

  if (expected.position !== undefined) {
    assert.equal(actual.position, expected.position, `position${where}`)
  }
}

/** Assert that a call rejects (not throws synchronously) with an error of the given name */
export async function assertRejectsWith (call: () => Promise<unknown>, name: string, message = ''): Promise<void> {
  let result: Promise<unknown>

  try {
    result = call()
  } catch (err: any) {
    assert.fail(`expected a rejected promise with ${name}, but the method threw synchronously: ${err?.name}: ${err?.message}${message === '' ? '' : ` (${message})`}`)
  }

  assert.ok(result != null && typeof result.then === 'function', `expected a promise${message === '' ? '' : ` (${message})`}`)

  await assert.rejects(result, (err: any) => {
    assert.equal(err?.name, name, `expected ${name}, got ${err?.name}: ${err?.message}${message === '' ? '' : ` (${message})`}`)
    assert.ok(err instanceof Error, 'the rejection must be an Error')
    return true
  })
}

/**
 * Every live registration (of one namespace, or matching `filter`), paging through `discover` with a small
 * limit and checking each page's `position` on the way (that of the last registration returned, or `after`
 * when none was)
 */
export async function discoverAll (store: RegistrationStore, filter?: string | Omit<DiscoverOptions, 'limit' | 'after'>, pageSize = 7): Promise<Registration[]> {
  const options = typeof filter === 'object' ? filter : { namespace: filter }
  const all: Registration[] = []
  let after = 0

  for (let page = 0; page < 1_000_000; page++) {
    const result = await store.discover({ ...options, after, limit: pageSize })

    if (result.registrations.length === 0) {
      assert.equal(result.position, after, 'an empty page returns the position it was given')
      return all
    }

    assert.ok(result.registrations.length <= pageSize, 'a page holds at most limit registrations')
    assert.equal(result.position, result.registrations[result.registrations.length - 1].position, 'the position is that of the last registration returned, not of a row that did not match')
    all.push(...result.registrations)
    after = result.position
  }

  assert.fail('discover did not come to an end')
}

/** Assert a list is in strictly ascending position order */
export function assertAscending (registrations: Registration[], message = ''): void {
  for (let i = 1; i < registrations.length; i++) {
    assert.ok(registrations[i - 1].position < registrations[i].position, `positions must strictly ascend${message === '' ? '' : ` (${message})`}: ${registrations[i - 1].position} then ${registrations[i].position}`)
  }
}

/** `namespace/peerId` keys of a list, for comparing sets */
export function keys (registrations: Array<{ namespace: string, peerId: string }>): string[] {
  return registrations.map(r => `${JSON.stringify(r.namespace)}/${r.peerId}`)
}

export function sortedKeys (registrations: Array<{ namespace: string, peerId: string }>): string[] {
  return keys(registrations).sort()
}

/**
 * The chi-square value above which a uniform sampler fails with probability about 1e-9 (Wilson–Hilferty
 * approximation, z = 6): loose enough never to fail a correct adapter in practice, tight enough to catch a
 * sampler that favours some registrations.
 */
export function chiSquareBound (degreesOfFreedom: number): number {
  const k = degreesOfFreedom
  const z = 6
  return k * Math.pow(1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k)), 3)
}

/** The chi-square statistic of observed counts against equal expected counts */
export function chiSquare (observed: number[]): number {
  const total = observed.reduce((a, b) => a + b, 0)
  const expected = total / observed.length
  return observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0)
}

/** Upsert in bounded concurrent batches, which is faster for adapters that batch writes */
export async function upsertAll (store: RegistrationStore, inputs: NewRegistration[]): Promise<Registration[]> {
  const stored: Registration[] = []

  for (let i = 0; i < inputs.length; i += 100) {
    // the keys of one batch must be distinct: the order of concurrent upserts is up to the adapter
    stored.push(...await Promise.all(inputs.slice(i, i + 100).map(async r => store.upsert(r))))
  }

  return stored
}
