import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { bytesEqual } from '../registration.ts'
import { envelope } from './harness.ts'
import type { Suite } from './suite.ts'
import type { NewRegistration, Registration } from '../store.ts'

/** The writer stops by itself after this many upserts if it is never killed */
const MAX_UPSERTS = 100_000
/** Kill the writer once it has acknowledged this many */
const KILL_AFTER = 500
/** ... or after this long, whatever it has done */
const DEADLINE_MS = 15_000

/** Far from any clock a test uses, so every durability registration is live */
const REGISTERED_AT = 1_600_000_000_000
const EXPIRES_AT = 4_000_000_000_000

/** The record formats the durability test's registrations take in turn */
const DURABILITY_FORMATS = ['standard', 'rust-legacy', 'waku']

/** Registration number `i` of the durability test: its own peer, one of 7 namespaces, one of 3 formats, a 170-byte envelope that encodes `i` */
export function durabilityRegistration (i: number): NewRegistration {
  return {
    namespace: `durability-${i % 7}`,
    peerId: `durability-peer-${i}`,
    signedPeerRecord: envelope(i),
    format: DURABILITY_FORMATS[i % DURABILITY_FORMATS.length],
    ttl: 7200,
    registeredAt: REGISTERED_AT,
    expiresAt: EXPIRES_AT
  }
}

/** The writer script beside this module: TypeScript when the suite itself runs from source, JavaScript once built */
function writerScript (): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
  return fileURLToPath(new URL(`./upsert-until-killed${extension}`, import.meta.url))
}

/** Runs the writer until it has acknowledged `KILL_AFTER` upserts, SIGKILLs it, and returns the numbers it acknowledged */
async function upsertUntilKilled (opener: string, directory: string): Promise<number[]> {
  const child = spawn(process.execPath, [writerScript(), opener, directory, String(MAX_UPSERTS)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const acknowledged: number[] = []
  let partial = ''
  let stderr = ''

  const exited = new Promise<NodeJS.Signals | null>(resolve => {
    child.on('close', (_code, signal) => { resolve(signal) })
  })
  const deadline = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS)

  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    // a line without its newline may be cut short: only whole lines are acknowledgements
    partial = lines.pop() ?? ''
    acknowledged.push(...lines.map(Number))

    if (acknowledged.length >= KILL_AFTER) {
      child.kill('SIGKILL')
    }
  })

  const signal = await exited
  clearTimeout(deadline)
  assert.equal(signal, 'SIGKILL', `the writer should have been killed, not ended by itself; its stderr: ${stderr}`)

  return acknowledged
}

/**
 * A process that upserts and is killed with SIGKILL loses nothing it acknowledged: a resolved `upsert`
 * promise means durable. Runs the writer as a child process, which opens the store with the adapter's
 * opener module (its default export: `(directory) => Promise<RegistrationStore>`).
 */
export function durabilityTests (suite: Suite, opener: string | URL): void {
  const openerUrl = opener.toString()

  suite.describe('durability', () => {
    suite.test('every upsert whose promise resolved is there after the writing process is killed with SIGKILL', async (h) => {
      const acknowledged = await upsertUntilKilled(openerUrl, h.directory)

      assert.ok(acknowledged.length > 0, 'the writer acknowledged upserts before it was killed')
      assert.deepEqual(acknowledged, acknowledged.map((_, i) => i), 'acknowledged in order, none skipped')

      const store = await h.open()
      const found = new Map<string, Registration>()
      let after = 0

      for (let page = 0; page <= MAX_UPSERTS / 1000; page++) {
        const { registrations, position } = await store.discover({ after, limit: 1000 })
        if (registrations.length === 0) {
          break
        }
        for (const registration of registrations) {
          found.set(registration.peerId, registration)
        }
        after = position
      }

      for (const i of acknowledged) {
        const expected = durabilityRegistration(i)
        const registration = found.get(expected.peerId)
        assert.ok(registration != null, `acknowledged upsert ${i} is missing after the kill`)
        assert.equal(registration.namespace, expected.namespace)
        assert.equal(registration.format, expected.format, `upsert ${i} kept its record format`)
        assert.ok(bytesEqual(registration.signedPeerRecord, expected.signedPeerRecord), `upsert ${i} kept its envelope byte for byte`)
      }

      // the upsert in flight when the writer died may or may not have committed; nothing else may exist
      assert.ok(found.size >= acknowledged.length && found.size <= acknowledged.length + 1, `found ${found.size} registrations for ${acknowledged.length} acknowledged upserts`)

      // the reopened store goes on from the highest position it had handed out
      const highest = Math.max(...[...found.values()].map(r => r.position))
      const next = await store.upsert(durabilityRegistration(MAX_UPSERTS))
      assert.ok(next.position > highest, 'positions go on after the kill')
    }, { timeout: DEADLINE_MS + 10_000 })
  })
}
