#!/usr/bin/env node
// Nothing is imported statically: imports are evaluated before this file's body, and on Node.js older
// than 22.18 the stores' dependencies crash while loading (a segmentation fault in better-sqlite3,
// Promise.withResolvers missing) before anything could say why. So the version is checked first.
const version = process.versions.node
const [major, minor] = version.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`rendezvous: needs Node.js 22.18 or newer; this is Node.js ${version} (in a clone, ./pnpmw start fetches one)\n`)
  process.exit(2)
}
await import('./main.ts')

export {}
