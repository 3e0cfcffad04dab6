import { readFile } from 'node:fs/promises'
import { expect } from 'aegir/chai'

const read = async (path: string): Promise<string> => readFile(new URL(path, import.meta.url), 'utf8')

/** The names in backquotes between two markers of the README */
async function listed (marker: string): Promise<string[]> {
  const readme = await read('../README.md')
  const match = new RegExp(`<!-- ${marker}:start -->([\\s\\S]*?)<!-- ${marker}:end -->`).exec(readme)
  if (match == null) {
    throw new Error(`README.md has no ${marker} block`)
  }
  return [...match[1].matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map(m => m[1]).sort()
}

/**
 * The names a module exports: its values as they load, and its types as its source declares them (in
 * `export type { … }` lists, and as `export interface` / `export type` of the modules it re-exports with `*`)
 */
async function exported (entry: string): Promise<string[]> {
  const values = Object.keys(await import(entry))
  const source = await read(entry)
  const types = [...source.matchAll(/export type \{([^}]*)\}/g)].flatMap(m => m[1].split(',').map(name => name.trim()).filter(name => name !== ''))
  for (const [, file] of source.matchAll(/export \* from '(\.\/[^']+)'/g)) {
    const reexported = await read(new URL(file, new URL(entry, import.meta.url)).href)
    types.push(...[...reexported.matchAll(/^export (?:interface|type) ([A-Za-z0-9_]+)/gm)].map(m => m[1]))
  }
  return [...new Set([...values, ...types])].sort()
}

describe('the public face is the README\'s list', () => {
  it('@rendezvous/codec exports exactly the names listed under "Public face"', async () => {
    expect(await exported('../src/index.ts')).to.deep.equal(await listed('public-face'))
  })

  it('@rendezvous/codec/testing exports exactly the golden vectors listed, and the main entry none of them', async () => {
    const testing = await exported('../src/testing.ts')
    expect(testing).to.deep.equal(await listed('testing-face'))
    for (const name of testing) {
      expect(await exported('../src/index.ts')).to.not.include(name)
    }
  })
})
