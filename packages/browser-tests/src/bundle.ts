import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The page entry, as TypeScript source (esbuild reads it directly), run from `src/` or from `dist/src/` */
const PAGE_ENTRY = [new URL('./page.ts', import.meta.url), new URL('../../src/page.ts', import.meta.url)]
  .map(url => fileURLToPath(url))
  .find(path => existsSync(path)) ?? fileURLToPath(new URL('./page.ts', import.meta.url))

/**
 * Bundle the page script for the browser (ESM, no Node built-ins: a Node-only import anywhere on the
 * import path of `@rendezvous/client` or `@rendezvous/codec` fails the build), and resolve its bytes
 *
 * @param entry - the entry to bundle (default this package's `src/page.ts`)
 */
export async function bundlePage (entry: string = PAGE_ENTRY): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    outfile: 'page.js'
  })
  const [output] = result.outputFiles
  return output.contents
}
