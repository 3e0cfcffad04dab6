import { join } from 'node:path'
import { runStoreCompliance } from '@rendezvous/store/compliance'
import { levelStore } from '../src/index.ts'

runStoreCompliance({
  name: '@rendezvous/store-level',
  create: async ({ clock, directory }) => levelStore({ clock, path: join(directory, 'registrations') }),
  persistent: true
})
