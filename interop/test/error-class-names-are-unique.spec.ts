import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as libp2pInterface from '@libp2p/interface'
import { expect } from 'aegir/chai'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function sourceFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      out.push(...await sourceFiles(path))
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(path)
    }
  }
  return out
}

/**
 * Users match errors by `err.name` (the docs say so, and it works across copies of a package), so a name
 * must mean one class: no two error classes of this project's packages share one, and none takes a name
 * of `@libp2p/interface`'s errors, which a libp2p application meets in the same handlers.
 */
describe('error class names', () => {
  it('are unique across the packages and distinct from @libp2p/interface\'s', async () => {
    const packages = await readdir(join(ROOT, 'packages'))
    const where = new Map<string, string[]>()
    for (const pkg of packages) {
      const src = join(ROOT, 'packages', pkg, 'src')
      const files = await sourceFiles(src).catch(() => [])
      for (const file of files) {
        const text = await readFile(file, 'utf8')
        for (const match of text.matchAll(/export class (\w+Error) extends/g)) {
          where.set(match[1], [...(where.get(match[1]) ?? []), file.slice(ROOT.length)])
        }
      }
    }
    expect(where.size).to.be.greaterThan(20)
    const shared = [...where].filter(([, files]) => files.length > 1)
    expect(shared, 'error classes declared twice').to.deep.equal([])
    const libp2pNames = new Set(Object.keys(libp2pInterface).filter(name => name.endsWith('Error')))
    const clashes = [...where.keys()].filter(name => libp2pNames.has(name))
    expect(clashes, 'names taken from @libp2p/interface').to.deep.equal([])
  })
})
