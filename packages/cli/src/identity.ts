import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { createOrAdopt, readOptionalFile } from './atomic-file.ts'
import { IDENTITY_FILE } from './constants.ts'
import { KeyFileError } from './errors.ts'
import type { PrivateKey } from '@libp2p/interface'

const WHAT = 'identity key'

/** The daemon's libp2p identity, and how to keep it if it is new */
export interface Identity {
  privateKey: PrivateKey
  /** The key file in the data directory */
  path: string
  /** `true` if no key file existed and this key was generated in memory */
  generated: boolean
}

/**
 * Read the identity key from the data directory, or generate an Ed25519 key in memory if there is none.
 * Writes nothing: {@link persistIdentity} does, once the daemon knows it can start. Throws
 * {@link KeyFileError} if the file exists but cannot be read or is not a private key.
 */
export async function loadIdentity (dataDir: string): Promise<Identity> {
  const path = join(dataDir, IDENTITY_FILE)
  const existing = await readKey(path)
  if (existing != null) {
    return { privateKey: existing, path, generated: false }
  }
  return { privateKey: await generateKeyPair('Ed25519'), path, generated: true }
}

/**
 * Write a generated identity to its key file (protobuf-encoded private key, mode 0600, atomically).
 * Returns the identity to run with: if another process created the file meanwhile, its key wins, so
 * two daemons started at once on one data directory still share one peer ID. Returns whether this call
 * created the file.
 */
export async function persistIdentity (identity: Identity): Promise<{ identity: Identity, created: boolean }> {
  if (!identity.generated) {
    return { identity, created: false }
  }
  const outcome = await createOrAdopt(identity.path, privateKeyToProtobuf(identity.privateKey), WHAT, readKey)
  if (outcome.created) {
    return { identity: { ...identity, generated: false }, created: true }
  }
  return { identity: { privateKey: outcome.winner, path: identity.path, generated: false }, created: false }
}

async function readKey (path: string): Promise<PrivateKey | undefined> {
  const bytes = await readOptionalFile(path, WHAT)
  if (bytes == null) {
    return undefined
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err: any) {
    throw new KeyFileError(`identity key ${path} is not a protobuf-encoded libp2p private key; move it away to create a new identity`, { cause: err })
  }
}
