#!/usr/bin/env node
// Pack every published package (packages/*, not private) with `pnpm pack` into one directory, as the
// registry would receive them: `workspace:^` ranges become the versions of this checkout. Build first.
//
//   node .ci/pack.mjs [destination]   (default ./packs; `pnpm pack:all` runs it)
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(import.meta.url), '..', '..')
const destination = resolve(process.argv[2] ?? join(root, 'packs'))
mkdirSync(destination, { recursive: true })

const packed = []
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name)
  const manifest = join(dir, 'package.json')
  if (!existsSync(manifest)) {
    continue
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'))
  if (pkg.private === true) {
    continue
  }
  if (!existsSync(join(dir, 'dist', 'src', 'index.js'))) {
    process.stderr.write(`pack: ${pkg.name} is not built (no dist/src/index.js): run pnpm build first\n`)
    process.exit(1)
  }
  const out = execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const tarball = out.trim().split('\n').pop()
  packed.push(tarball)
  process.stdout.write(`${tarball}\n`)
}
if (packed.length === 0) {
  process.stderr.write('pack: no package to pack\n')
  process.exit(1)
}
