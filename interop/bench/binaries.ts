/**
 * The programs a run starts: the load generator, the Go reference and the two /rendezvous/1.0.0
 * yardsticks, built with interop/src's Go and Rust builds (the Go ones into bench/bin, rust-rdv where the
 * interop matrix has it), and the TS packages ts-server.ts imports, which `pnpm bench:servers` builds first.
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { buildGoPeer, buildRustPeer, findCargo, findGo, rustPeerBinary } from '../src/toolchain.ts'
import { HERE, ROOT } from './config.ts'
import { progress } from './output.ts'
import type { TargetName } from './targets.ts'

const BIN = join(HERE, 'bin')
export const GEN = join(BIN, 'rdv-bench')
export const GO_RDV = join(BIN, 'go-rdv')
export const GO_LRDV = join(BIN, 'go-lrdv')
const RUST_DIR = join(ROOT, 'interop', 'rust-libp2p')
export const RUST_RDV = rustPeerBinary(RUST_DIR, 'rust-rdv')

/** Build the binaries the targets need (unless `build` is false), then check that they and the TS packages are there */
export async function buildBinaries (targets: TargetName[], build: boolean): Promise<void> {
  if (build) {
    progress('building the load generator and go-rdv ...')
    const go = await findGo()
    await mkdir(BIN, { recursive: true })
    await buildGoPeer(go.command, join(HERE, 'loadgen'), 'rdv-bench', { outDir: BIN })
    await buildGoPeer(go.command, join(ROOT, 'interop', 'go-waku-rendezvous'), 'go-rdv', { outDir: BIN })
    if (targets.includes('go-libp2p')) {
      await buildGoPeer(go.command, join(ROOT, 'interop', 'go-libp2p-rendezvous'), 'go-lrdv', { outDir: BIN })
    }
    if (targets.includes('rust')) {
      progress('building rust-rdv (cargo build --release: minutes when cold, seconds from cargo\'s cache) ...')
      await buildRustPeer((await findCargo()).command, RUST_DIR, 'rust-rdv', { onLine: progress })
    }
  }
  const yardsticks = [...(targets.includes('go-libp2p') ? [GO_LRDV] : []), ...(targets.includes('rust') ? [RUST_RDV] : [])]
  for (const f of [GEN, GO_RDV, ...yardsticks, ...['server', 'store-memory', 'store-sqlite'].map(p => join(ROOT, `packages/${p}/dist/src/index.js`))]) {
    if (!existsSync(f)) { throw new Error(`${f} is missing: build first (pnpm bench:servers builds everything)`) }
  }
}

/** The Go toolchain's version (`go1.26.8`), for the report's header */
export async function goVersion (): Promise<string> {
  return findGo().then(go => go.version, () => 'go ?')
}
