import { runStoreCompliance } from '../src/compliance.ts'
import { ReferenceStore } from './fixtures/reference-store.ts'

// the suite itself, run as adapters run it, against the simplest correct store, in memory and on disk
runStoreCompliance({
  name: 'reference store',
  create: ({ clock }) => new ReferenceStore({ clock })
})

runStoreCompliance({
  name: 'reference store, persistent',
  create: ({ clock, directory }) => new ReferenceStore({ clock, directory }),
  persistent: true
})
