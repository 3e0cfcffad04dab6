import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { levelStore } from '../src/index.ts'
import { durabilityRegistration } from './fixtures/durability-registration.ts'
import { temporaryDirectory } from './fixtures/temporary-directory.ts'
import type { Registration } from '@rendezvous/store'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'upsert-until-killed.ts')
/** The child stops by itself after this many upserts if it was never killed */
const MAX_UPSERTS = 100_000
/** Kill the child once it has acknowledged this many */
const KILL_AFTER = 500
/** ... or after this long, whatever it has done */
const DEADLINE_MS = 15_000

/** Runs the writer child until it has acknowledged `KILL_AFTER` upserts, SIGKILLs it, and returns the numbers it acknowledged */
async function upsertUntilKilled (path: string): Promise<number[]> {
  const child = spawn(process.execPath, [FIXTURE, path, String(MAX_UPSERTS)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const acknowledged: number[] = []
  let partial = ''
  let stderr = ''

  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => {
    child.on('close', (code, signal) => { resolve({ code, signal }) })
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

  const { signal } = await exited
  clearTimeout(deadline)
  expect(signal, `the writer should have been killed; stderr: ${stderr}`).to.equal('SIGKILL')

  return acknowledged
}

describe('durability', () => {
  it('every upsert whose promise resolved is there after the writer is killed with SIGKILL', async function () {
    this.timeout(DEADLINE_MS + 10_000)
    const directory = await temporaryDirectory()

    try {
      const path = join(directory.path, 'registrations')
      const acknowledged = await upsertUntilKilled(path)

      expect(acknowledged.length, 'the writer acknowledged upserts before it was killed').to.be.greaterThan(0)
      expect(acknowledged).to.deep.equal(acknowledged.map((_, i) => i), 'acknowledged in order, none skipped')

      const store = await levelStore({ path })

      try {
        const found = new Map<string, Registration>()
        let after = 0

        for (let page = 0; page < MAX_UPSERTS / 1000 + 1; page++) {
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
          expect(registration, `acknowledged upsert ${i}`).to.not.be.undefined()
          expect(registration?.namespace).to.equal(expected.namespace)
          expect(registration?.signedPeerRecord).to.deep.equal(expected.signedPeerRecord)
        }

        // an upsert in flight when the writer died may or may not have committed, nothing else may exist
        expect(found.size).to.be.within(acknowledged.length, acknowledged.length + 1)

        // the reopened store goes on from the highest position it had handed out
        const highest = Math.max(...[...found.values()].map(r => r.position))
        const next = await store.upsert(durabilityRegistration(MAX_UPSERTS))
        expect(next.position).to.be.greaterThan(highest)
      } finally {
        await store.close()
      }
    } finally {
      await directory.remove()
    }
  })
})
