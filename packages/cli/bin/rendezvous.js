#!/usr/bin/env node
// The `rendezvous` bin as installed: a file that exists before the build, so that package managers can
// link it in a fresh clone, and that only loads the compiled bin (which checks the Node.js version
// before it imports anything).
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/src/bin.js', import.meta.url)
if (!existsSync(compiled)) {
  process.stderr.write('rendezvous: @rendezvous/cli is not built yet: run `pnpm build` (or `./pnpmw build`) in the repository\n')
  process.exit(2)
}
await import(compiled.href)
