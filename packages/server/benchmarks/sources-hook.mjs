/**
 * `node --import='file:///…/sources-hook.mjs?server=<dir>&store-memory=<dir>'`: `@rendezvous/server` and
 * `@rendezvous/store-memory` are loaded from TypeScript sources (each `<dir>` holds `src/index.ts` and a
 * `node_modules` link to the package's own) instead of their builds; a package not named loads as usual.
 * With `pnpm bench:servers` it runs two versions of this server in one run, alternating: `BENCH_NODE_FLAGS`
 * with the hook for the newer sources, `BENCH_VARIANT_NODE` with a second one for the older (hooks
 * registered later run first). README, "The refresh path".
 */
import { registerHooks } from 'node:module'
import { pathToFileURL } from 'node:url'

const params = new URL(import.meta.url).searchParams
const sources = new Map()
for (const name of ['server', 'store-memory']) {
  const dir = params.get(name)
  if (dir != null && dir !== '') {
    sources.set(`@rendezvous/${name}`, pathToFileURL(`${dir}/src/index.ts`).href)
  }
}

registerHooks({
  resolve (specifier, context, next) {
    const url = sources.get(specifier)
    if (url != null) {
      return { url, shortCircuit: true }
    }
    return next(specifier, context)
  }
})
