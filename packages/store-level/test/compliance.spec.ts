import { join } from 'node:path'
import { runStoreCompliance } from '@rendezvous/store/compliance'
import { levelStore } from '../src/index.ts'

runStoreCompliance({
  name: '@rendezvous/store-level',
  create: async ({ clock, directory }) => levelStore({ clock, path: join(directory, 'registrations') }),
  persistent: true,
  // a writer process opens the store with this module and is killed with SIGKILL mid-stream
  durability: { opener: new URL('./fixtures/open-store.ts', import.meta.url) }
})
