import type { SignatureChecks } from './signature-checks.ts'

export type { SignatureCheck, SignatureChecks } from './signature-checks.ts'

/** No direct checks in browsers: `openPeerRecord` and `verifyPeerRecord` take the generic path (`@libp2p/crypto`) there */
export const signatureChecks: SignatureChecks | undefined = undefined
