/** @type {import('aegir').PartialOptions} */
export default {
  dependencyCheck: {
    // the test runs its bin by path (node_modules/@rendezvous/cli/bin/rendezvous.js), which the check cannot see
    ignore: ['@rendezvous/cli']
  }
}
