/**
 * Preloaded (`node --import`) into a README example's process: what the example prints with `console.log`
 * or `console.info` is appended, as structured values (v8 serialization keeps bigints, byte arrays, maps), to
 * the file named by the environment, so a test asserts on values rather than on their printed text.
 */
import { appendFileSync } from 'node:fs'
import { format } from 'node:util'
import { serialize } from 'node:v8'
import { CAPTURE_FILE_ENV } from './constants.ts'

const file = process.env[CAPTURE_FILE_ENV]

/** One printed line: its values (or their text where a value cannot be cloned) and the line as Node prints it */
function record (args: unknown[]): void {
  if (file == null) {
    return
  }
  let payload: Buffer
  try {
    payload = serialize({ args, text: format(...args) })
  } catch {
    payload = serialize({ args: args.map(arg => format(arg)), text: format(...args) })
  }
  const length = Buffer.alloc(4)
  length.writeUInt32BE(payload.byteLength)
  appendFileSync(file, Buffer.concat([length, payload]))
}

// the point of this module is to take the console's place
// eslint-disable-next-line no-console
console.log = (...args: unknown[]) => { record(args) }
// eslint-disable-next-line no-console
console.info = (...args: unknown[]) => { record(args) }
