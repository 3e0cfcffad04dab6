/** @type {import('aegir').PartialOptions} */
export default {
  build: {
    bundle: false
  },
  lint: {
    // aegir's defaults, plus the benchmark harness in bench/ (one eslint and one tsc run for both)
    files: [
      '*.{js,ts}',
      'src/**/*.{js,ts}',
      'test/**/*.{js,ts}',
      'bench/**/*.ts',
      '!**/node_modules/**',
      '!**/dist/**'
    ]
  }
}
