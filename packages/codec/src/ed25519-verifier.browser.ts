import type { Ed25519Verifier } from './ed25519-verifier.ts'

export type { Ed25519Verifier }

/** No direct verifier in browsers: `verifyPeerRecord` takes `openPeerRecord`'s path (`@libp2p/crypto`) there */
export const verifyEd25519: Ed25519Verifier | undefined = undefined
