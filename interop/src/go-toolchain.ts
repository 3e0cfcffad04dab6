import { execFile } from 'node:child_process'
import { join } from 'node:path'

/** The Go toolchain is missing or too old; the message says what to install */
export class GoToolchainMissingError extends Error {
  static name = 'GoToolchainMissingError'
  override name = 'GoToolchainMissingError'
}

/** Building the Go peer failed */
export class GoBuildError extends Error {
  static name = 'GoBuildError'
  override name = 'GoBuildError'
}

/** The oldest Go that builds the peer (its go.mod says `go 1.21`) */
export const MIN_GO_MINOR = 21

export const GO_INSTALL_HINT = 'Install Go 1.21 or later (https://go.dev/doc/install, e.g. `tar -C /usr/local -xzf go1.26.x.linux-amd64.tar.gz` and `export PATH=$PATH:/usr/local/go/bin`), or set GO=/path/to/go'

interface Run { stdout: string, stderr: string }

async function run (command: string, args: string[], options: { cwd?: string, timeout: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, timeout: options.timeout, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err != null) {
        Object.assign(err, { stdout, stderr })
        reject(err)
        return
      }
      resolve({ stdout, stderr })
    })
  })
}

/**
 * Find the Go toolchain (`$GO`, else `go` on PATH) and check its version.
 *
 * @returns the command and its version string
 * @throws {GoToolchainMissingError}
 */
export async function findGo (env: NodeJS.ProcessEnv = process.env): Promise<{ go: string, version: string }> {
  const go = env.GO ?? 'go'
  let version: string
  try {
    version = (await run(go, ['env', 'GOVERSION'], { timeout: 30_000 })).stdout.trim()
  } catch (err: any) {
    if (err.code === 'ENOENT') {
      throw new GoToolchainMissingError(`The interop matrix needs the Go toolchain, and \`${go}\` was not found on PATH. ${GO_INSTALL_HINT}`)
    }
    throw new GoToolchainMissingError(`\`${go} env GOVERSION\` failed (${err.message.split('\n')[0]}). ${GO_INSTALL_HINT}`)
  }
  const match = /^go1\.(\d+)/.exec(version)
  if (match == null || Number(match[1]) < MIN_GO_MINOR) {
    throw new GoToolchainMissingError(`The interop matrix needs Go 1.${MIN_GO_MINOR} or later, found "${version}". ${GO_INSTALL_HINT}`)
  }
  return { go, version }
}

/**
 * Build the go-rdv binary of `peerDir` into `peerDir/bin/go-rdv`. Go's build cache makes a rebuild of an
 * unchanged tree take a few seconds; a cold build (modules and cache empty) takes one to two minutes.
 *
 * @throws {GoBuildError}
 */
export async function buildGoPeer (go: string, peerDir: string, timeout = 600_000): Promise<string> {
  const binary = join(peerDir, 'bin', 'go-rdv')
  try {
    await run(go, ['build', '-o', binary, '.'], { cwd: peerDir, timeout })
  } catch (err: any) {
    const detail = String(err.stderr ?? err.message).trim().split('\n').slice(-15).join('\n')
    throw new GoBuildError(`go build in ${peerDir} failed:\n${detail}`)
  }
  return binary
}
