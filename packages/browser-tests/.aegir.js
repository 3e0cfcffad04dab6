/** @type {import('aegir').PartialOptions} */
export default {
  build: {
    bundle: false
  },
  dependencyCheck: {
    // the bundle test imports it from a generated entry file, which the check cannot see
    ignore: ['@rendezvous/codec']
  }
}
