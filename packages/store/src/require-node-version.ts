/**
 * Refuse Node.js older than 22.18 with one clear message naming the package, before anything else of it loads:
 * on older versions dependencies crash in ways that do not say why (a native addon built for a newer ABI ends
 * in a segmentation fault, `Promise.withResolvers` is missing). It imports nothing, so a package's
 * `src/node-version.ts` can call it from the first module its index.ts imports. Outside Node.js (a browser)
 * it does nothing.
 *
 * @throws {Error} on Node.js older than 22.18
 */
export function requireNodeVersion (packageName: string): void {
  const version = globalThis.process?.versions?.node
  if (typeof version === 'string') {
    const [major, minor] = version.split('.').map(Number)
    if (major < 22 || (major === 22 && minor < 18)) {
      throw new Error(`${packageName} needs Node.js 22.18 or newer; this is Node.js ${version}`)
    }
  }
}
