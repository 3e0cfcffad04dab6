import { join } from 'node:path'
import { runStoreCompliance } from '@rendezvous/store/compliance'
import { sqliteStore } from '../src/index.ts'

runStoreCompliance({
  name: '@rendezvous/store-sqlite',
  create: async ({ clock, directory }) => sqliteStore({ clock, path: join(directory, 'registrations.sqlite') }),
  persistent: true
})
