#!/usr/bin/env node
import { runCli } from './cli.ts'

const code = await runCli(process.argv.slice(2), process.env, process)
// libp2p may leave timers behind after stop; the exit code is decided, so do not wait for them
process.exit(code)
