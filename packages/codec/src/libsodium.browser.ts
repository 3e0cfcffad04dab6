import type { Libsodium } from './libsodium.ts'

export type { Libsodium } from './libsodium.ts'

/** No libsodium addon in browsers: callers use their other cryptography (WebCrypto, `@libp2p/crypto`) there */
export const libsodium: Libsodium | undefined = undefined
