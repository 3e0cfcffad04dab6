import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PeerBuildError, ToolchainMissingError } from './errors.ts'
import { splitLines, trackChild } from './json-lines-process.ts'

/** The oldest Go that builds the Go peers (their go.mod files say `go 1.21`) */
export const MIN_GO_MINOR = 21

/** The oldest Rust that builds the Rust peer (the `libp2p` crate 0.57 declares rust-version 1.88) */
export const MIN_RUST_MINOR = 88

export const GO_INSTALL_HINT = 'Install Go 1.21 or later (https://go.dev/doc/install, e.g. `tar -C /usr/local -xzf go1.26.x.linux-amd64.tar.gz` and `export PATH=$PATH:/usr/local/go/bin`), or set GO=/path/to/go'

export const CARGO_INSTALL_HINT = 'Install Rust 1.88 or later with rustup (https://rustup.rs, then `rustup default stable`), or set CARGO=/path/to/cargo'

/** A toolchain found on this machine */
export interface Toolchain {
  /** The command to run */
  command: string
  /** Its version, e.g. `go1.26.8` or `cargo 1.95.0` */
  version: string
}

interface Run { stdout: string, stderr: string }

async function run (command: string, args: string[], options: { cwd?: string, timeout: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { cwd: options.cwd, timeout: options.timeout, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err != null) {
        Object.assign(err, { stdout, stderr })
        reject(err)
        return
      }
      resolve({ stdout, stderr })
    })
    trackChild(child)
  })
}

/** Run `command args` and check that its version (the first match of `pattern`) has a minor of at least `minMinor` */
async function findToolchain (command: string, args: string[], pattern: RegExp, minMinor: number, what: string, hint: string): Promise<Toolchain> {
  let output: string
  try {
    output = (await run(command, args, { timeout: 30_000 })).stdout.trim()
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      throw new ToolchainMissingError(`The interop matrix needs ${what}, and \`${command}\` was not found on PATH. ${hint}`)
    }
    throw new ToolchainMissingError(`\`${command} ${args.join(' ')}\` failed (${String(err.message).split('\n')[0]}). ${hint}`)
  }
  const match = pattern.exec(output)
  if (match == null || Number(match[2]) < minMinor) {
    throw new ToolchainMissingError(`The interop matrix needs ${what} 1.${minMinor} or later, found "${output}". ${hint}`)
  }
  return { command, version: match[0] }
}

/**
 * Find the Go toolchain (`$GO`, else `go` on PATH) and check its version.
 *
 * @throws {ToolchainMissingError}
 */
export async function findGo (env: NodeJS.ProcessEnv = process.env): Promise<Toolchain> {
  return findToolchain(env.GO ?? 'go', ['env', 'GOVERSION'], /^go(1)\.(\d+)(\.\d+)?/, MIN_GO_MINOR, 'the Go toolchain', GO_INSTALL_HINT)
}

/**
 * Find cargo (`$CARGO`, else `cargo` on PATH) and check its version.
 *
 * @throws {ToolchainMissingError}
 */
export async function findCargo (env: NodeJS.ProcessEnv = process.env): Promise<Toolchain> {
  return findToolchain(env.CARGO ?? 'cargo', ['--version'], /^cargo (1)\.(\d+)\.\d+/, MIN_RUST_MINOR, 'the Rust toolchain (cargo)', CARGO_INSTALL_HINT)
}

/** Options of {@link buildGoPeer} */
export interface GoBuildOptions {
  /** Milliseconds the build may take (default 15 min) */
  timeout?: number
  /** The folder the binary goes to (default `<peerDir>/bin`) */
  outDir?: string
}

/**
 * Build the Go program (a peer, or the benchmark's load generator) of `peerDir` into `<outDir>/<name>`.
 * Go's build cache makes a rebuild of an unchanged tree take a few seconds; a cold build (modules and
 * cache empty) takes one to three minutes.
 *
 * @throws {PeerBuildError}
 */
export async function buildGoPeer (go: string, peerDir: string, name: string, options: GoBuildOptions = {}): Promise<string> {
  const binary = join(options.outDir ?? join(peerDir, 'bin'), name)
  try {
    await run(go, ['build', '-o', binary, '.'], { cwd: peerDir, timeout: options.timeout ?? 900_000 })
  } catch (err: any) {
    const detail = String(err.stderr ?? err.message).trim().split('\n').slice(-15).join('\n')
    throw new PeerBuildError(`go build in ${peerDir} failed:\n${detail}`)
  }
  return binary
}

/** Options of {@link buildRustPeer} */
export interface RustBuildOptions {
  /** Milliseconds the build may take (default 40 min, a cold build on a busy 2-core machine) */
  timeout?: number
  /** Called with each line cargo prints ("Compiling …"), for progress output */
  onLine?(line: string): void
}

/** The release binary `cargo build --release` makes in `peerDir` */
export function rustPeerBinary (peerDir: string, name: string): string {
  return join(peerDir, 'target', 'release', name)
}

/** Whether the Rust peer was built before (cargo's cache then makes a rebuild take seconds) */
export function rustPeerBuilt (peerDir: string, name: string): boolean {
  return existsSync(rustPeerBinary(peerDir, name))
}

/**
 * Build the Rust peer of `peerDir` in release mode with its committed Cargo.lock (`--locked`). A cold
 * build compiles about 180 crates: minutes on two cores; cargo's cache makes a rebuild take seconds.
 *
 * @throws {PeerBuildError}
 */
export async function buildRustPeer (cargo: string, peerDir: string, name: string, options: RustBuildOptions = {}): Promise<string> {
  const lines: string[] = []
  const code = await new Promise<number | string>((resolve, reject) => {
    const child = spawn(cargo, ['build', '--release', '--locked'], { cwd: peerDir, stdio: ['ignore', 'pipe', 'pipe'] })
    trackChild(child)
    const timer = setTimeout(() => { child.kill('SIGKILL') }, options.timeout ?? 2_400_000)
    const onLine = (line: string): void => {
      lines.push(line)
      if (lines.length > 200) {
        lines.shift()
      }
      options.onLine?.(line)
    }
    splitLines(child.stdout, onLine)
    splitLines(child.stderr, onLine)
    child.on('error', err => {
      clearTimeout(timer)
      reject(new PeerBuildError(`cargo build in ${peerDir} could not start: ${err.message}`))
    })
    child.on('close', (status, signal) => {
      clearTimeout(timer)
      resolve(status ?? signal ?? 'unknown')
    })
  })
  if (code !== 0) {
    throw new PeerBuildError(`cargo build --release in ${peerDir} failed (${code}):\n${lines.slice(-15).join('\n')}`)
  }
  return rustPeerBinary(peerDir, name)
}
