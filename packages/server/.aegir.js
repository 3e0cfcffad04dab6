/** @type {import('aegir').PartialOptions} */
export default {
  build: {
    bundle: false
  },
  dependencyCheck: {
    // imported by the README's example, which test/the-readme-example-runs.spec.ts runs from this package's
    // directory, where its imports resolve as a user's would
    ignore: ['libp2p', '@libp2p/tcp', '@chainsafe/libp2p-noise', '@libp2p/yamux']
  }
}
