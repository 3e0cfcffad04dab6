/**
 * @packageDocumentation
 *
 * The interop harness: this repository's rendezvous server and client against other implementations, in
 * both directions: go-waku-rendezvous (`/vac/waku/rendezvous/0.0.1`), go-libp2p-rendezvous and rust-libp2p
 * (`/rendezvous/1.0.0`), one matrix each.
 *
 * An {@link Implementation} is an adapter that can start a server and clients (high-level ops and raw
 * frames on one stream). A {@link Case} is a row of the matrix, written once against that interface; a
 * {@link Pair} is a column. {@link runMatrix} runs every case for every pair on fresh servers, and
 * {@link renderReport} prints the table that `pnpm test:interop` publishes in `docs/interop.md`.
 *
 * Documented deviations of a server ({@link DEVIATIONS}) are declared by its adapter and asserted by the
 * cases: a cell is `pass`, `expected deviation`, or `FAIL`.
 *
 * @example
 *
 * ```TypeScript
 * import { CASES, goWakuImplementation, renderReport, runMatrix, tsImplementation } from '@rendezvous/interop'
 *
 * const go = goWakuImplementation({ binary: 'interop/go-waku-rendezvous/bin/go-rdv' })
 * const ts = tsImplementation()
 * const cells = await runMatrix({ cases: CASES, pairs: [{ client: ts, server: go }, { client: go, server: ts }] })
 * process.stdout.write(renderReport(cells, { date: new Date(), seconds: 0 }))
 * ```
 */

export { CASES, REGISTER_ERRORS, registerErrorCase } from './cases/index.ts'
export type { RegisterError } from './cases/index.ts'
export { CaseFailure, check } from './case.ts'
export type { Case, CaseContext, CaseOutcome, Pair, Verdict } from './case.ts'
export { DEVIATIONS } from './deviations.ts'
export type { Deviation, DeviationId } from './deviations.ts'
export type {
  Implementation, ServerHandle, ClientPeer, ClientOp, ClientOpResult, ClientOptions, ClientTraits, CookieShape, ErrorTextKind, DiscoveredPeer, RawOp, RawResult, RunOptions, FrameSample
} from './implementation.ts'
export { GoWakuImplementation, goWakuImplementation } from './go-peer.ts'
export type { GoWakuOptions } from './go-peer.ts'
export { GoLibp2pImplementation, goLibp2pImplementation } from './go-libp2p-peer.ts'
export type { GoLibp2pOptions } from './go-libp2p-peer.ts'
export { RustImplementation, rustImplementation } from './rust-peer.ts'
export type { RustOptions } from './rust-peer.ts'
export { PeerProgram } from './peer-program.ts'
export { ProgramImplementation } from './program-implementation.ts'
export type { ProgramClientFlags } from './program-implementation.ts'
export type { PeerProgramOptions, ServerProcess } from './peer-program.ts'
export { LIBP2P_CASES } from './cases/libp2p/index.ts'
export { TsImplementation, tsImplementation, GOLDEN_KEY_SEED } from './ts-peer.ts'
export type { TsImplementationOptions } from './ts-peer.ts'
export {
  findGo, findCargo, buildGoPeer, buildRustPeer, rustPeerBinary, rustPeerBuilt, GO_INSTALL_HINT, CARGO_INSTALL_HINT, MIN_GO_MINOR, MIN_RUST_MINOR
} from './toolchain.ts'
export type { Toolchain, GoBuildOptions, RustBuildOptions } from './toolchain.ts'
export { ToolchainMissingError, PeerBuildError, NoRawModeError } from './errors.ts'
export { JsonLinesProcess, livingChildren, splitLines, trackChild } from './json-lines-process.ts'
export type { JsonEvent, JsonLinesProcessOptions, ProcessExit } from './json-lines-process.ts'
export { RawStreamSession } from './raw-stream.ts'
export { runMatrix, runCell, pairLabel } from './matrix.ts'
export type { Cell, CellVerdict, MatrixOptions } from './matrix.ts'
export {
  renderReport, renderMatrixTable, renderDetails, renderStatusComparison, replaceBetweenMarkers, writeBetweenMarkers, writeReport,
  MissingMarkersError, matrixMarkers
} from './report.ts'
export type { ReportInfo } from './report.ts'
