import { runStoreCompliance } from '@rendezvous/store/compliance'
import { memoryStore } from '../src/index.ts'

runStoreCompliance({
  name: '@rendezvous/store-memory',
  create: ({ clock }) => memoryStore({ clock })
})
