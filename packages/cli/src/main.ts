/**
 * The bin's process: stdout and stderr that may go away, the exit code. Loaded by bin.ts once the Node.js
 * version is known to be new enough.
 */
import { runCli } from './cli.ts'

// a log reader that goes away must not take the rendezvous point down with it
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') {
      throw err
    }
  })
}

const code = await runCli(process.argv.slice(2), process.env, process)
// libp2p may leave timers behind after stop; the exit code is decided, so do not wait for them
process.exit(code)
