/**
 * Refuse Node.js older than 22.18 with one clear message, before anything else of this package loads:
 * on older versions dependencies crash in ways that do not say why (a native addon built for a newer ABI
 * ends in a segmentation fault, `Promise.withResolvers` is missing). It imports nothing, and index.ts
 * imports it first, so it is evaluated before any other module of the package. Outside Node.js (a
 * browser) it does nothing.
 */
const version = globalThis.process?.versions?.node
if (typeof version === 'string') {
  const [major, minor] = version.split('.').map(Number)
  if (major < 22 || (major === 22 && minor < 18)) {
    throw new Error(`@rendezvous/codec needs Node.js 22.18 or newer; this is Node.js ${version}`)
  }
}

export {}
