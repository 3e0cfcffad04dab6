import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RegistrationStore } from '@rendezvous/store'

/** Every file in a directory and its bytes, by name */
export async function snapshotFiles (directory: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()

  for (const name of (await readdir(directory)).sort()) {
    files.set(name, await readFile(join(directory, name)))
  }

  return files
}

/** The error an open that should fail rejects with, or `undefined` (the store closed again) if it opened */
export async function refusalOf (open: Promise<{ close(): Promise<void> }>): Promise<any> {
  return open.then(async store => {
    await store.close()
    return undefined
  }, (err: any) => err)
}

/** Options of {@link expectRefusedUntouched} */
export interface RefusalExpected {
  /** Opens the store, which should fail */
  open(): Promise<{ close(): Promise<void> }>
  /** The name of the error it should fail with */
  name: string
  /** What the error's message says of the problem */
  problem: RegExp
  /** The store's path: the error's `path` and its message name it */
  path: string
  /** Whether the error's `path` may be a file inside `path` (a store in a directory) rather than `path` itself */
  pathInside?: boolean
  /** The directory whose files must stay byte for byte as they were */
  files: string
}

/**
 * Opens, expects the named error naming the store's path and the problem, and checks that no file of
 * `files` changed; resolves the error
 */
export async function expectRefusedUntouched (expected: RefusalExpected): Promise<any> {
  const before = await snapshotFiles(expected.files)
  const err = await refusalOf(expected.open())

  assert.equal(err?.name, expected.name, `the open should have failed with ${expected.name}, got ${err}`)

  if (expected.pathInside === true) {
    assert.ok(err.path.startsWith(expected.path), `${err.path} is in ${expected.path}`)
  } else {
    assert.equal(err.path, expected.path)
  }

  assert.ok(err.message.includes(expected.path), `the message names ${expected.path}: ${err.message}`)
  assert.match(err.message, expected.problem)
  assert.deepEqual(await snapshotFiles(expected.files), before, 'files byte for byte as before')
  return err
}

/** Upserts 50 live registrations (three namespaces, 170-byte envelopes) and closes the store: data to lose */
export async function fillAndClose (store: RegistrationStore): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await store.upsert({ namespace: `ns-${i % 3}`, peerId: `peer-${i}`, signedPeerRecord: new Uint8Array(170).fill(i), format: 'standard', ttl: 60, registeredAt: 1, expiresAt: 4_000_000_000_000 })
  }

  await store.close()
}
