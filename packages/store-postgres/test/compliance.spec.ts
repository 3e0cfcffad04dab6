import { runStoreCompliance } from '@rendezvous/store/compliance'
import { postgresStore } from '../src/index.ts'
import { schemaFor } from './fixtures/schema-name.ts'
import { sharedServer } from './fixtures/server.ts'

// the durability test's writer process finds the server through the environment, which sharedServer()
// sets: start it before any test, so that test also works when run on its own (mocha --grep)
before(async () => {
  await sharedServer()
})

runStoreCompliance({
  name: '@rendezvous/store-postgres',
  // each test's directory maps to a schema of its own on one server; a reopen finds the same schema
  create: async ({ clock, directory }) => postgresStore({ url: (await sharedServer()).url, schema: schemaFor(directory), clock }),
  persistent: true,
  // the writer process opens the store with this module and is killed with SIGKILL mid-stream; the
  // database survives, as it does when a point crashes
  durability: { opener: new URL('./fixtures/open-store.ts', import.meta.url) },
  timeout: 30_000
})
