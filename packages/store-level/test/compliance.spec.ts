import { join } from 'node:path'
import { runStoreCompliance } from '@rendezvous/store/compliance'
import { levelStore } from '../src/index.ts'
import type { RegistrationStore } from '@rendezvous/store'

/**
 * The last store opened on each directory. LevelDB allows one open handle per directory (it holds a
 * LOCK), and the suite's `Harness.reopen()` closes the store of `h.store()`, not the one a test opened
 * later with `h.open()`: closing the previous handle here keeps such tests about the store, not the lock.
 */
const opened = new Map<string, RegistrationStore>()

runStoreCompliance({
  name: '@rendezvous/store-level',
  create: async ({ clock, directory }) => {
    await opened.get(directory)?.close()
    const store = await levelStore({ clock, path: join(directory, 'registrations') })
    opened.set(directory, store)
    return store
  },
  persistent: true
})
