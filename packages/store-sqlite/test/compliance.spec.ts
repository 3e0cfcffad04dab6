import { join } from 'node:path'
import { runStoreCompliance } from '@rendezvous/store/compliance'
import { sqliteStore } from '../src/index.ts'

runStoreCompliance({
  name: '@rendezvous/store-sqlite',
  create: async ({ clock, directory }) => sqliteStore({ clock, path: join(directory, 'registrations.sqlite') }),
  persistent: true,
  // a writer process opens the store with this module and is killed with SIGKILL mid-stream
  durability: { opener: new URL('./fixtures/open-store.ts', import.meta.url) }
})
