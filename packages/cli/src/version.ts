import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The version in this package's package.json. Found by walking up from this module, which runs both
 * from `src/` and from `dist/src/`.
 */
export function packageVersion (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let depth = 0; depth < 4; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      if (pkg.name === '@rendezvous/cli') {
        return String(pkg.version)
      }
    } catch {
      // no package.json at this level: keep walking up
    }
    dir = dirname(dir)
  }
  return 'unknown'
}
