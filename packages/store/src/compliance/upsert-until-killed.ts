/**
 * The writer of the compliance suite's durability test, run as a child process:
 * `node upsert-until-killed.js <opener module URL> <directory> <max upserts>`.
 *
 * It opens the store with the opener module's default export, upserts registrations one after the
 * other, and prints the number of each one whose promise resolved, until it has done `max` or is killed.
 */
import { durabilityRegistration } from './durability.ts'
import type { RegistrationStore } from '../store.ts'

const [opener, directory, max] = process.argv.slice(2)
const open: (directory: string) => Promise<RegistrationStore> = (await import(opener)).default
const store = await open(directory)

for (let i = 0; i < Number(max); i++) {
  await store.upsert(durabilityRegistration(i))
  // wait until the line is in the pipe: the parent must hear of every upsert that resolved, and a
  // synchronous store would otherwise never let the event loop flush stdout
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(`${i}\n`, err => { err == null ? resolve() : reject(err) })
  })
}

await store.close()
