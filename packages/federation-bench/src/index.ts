/**
 * @packageDocumentation
 *
 * Benchmarks of federation and follow (docs/federation.md) on real libp2p nodes over TCP on 127.0.0.1, each
 * loop bounded in count and time: federation convergence across points, catch-up of missed registrations,
 * follow latency, and gossipsub mesh formation with follow and with polling. `pnpm bench` in this package
 * runs them all and prints a Markdown table.
 */

export { measureConvergence } from './convergence.ts'
export { measureCatchUp } from './catch-up.ts'
export type { CatchUpResult } from './catch-up.ts'
export { measureFollowLatency } from './follow-latency.ts'
export { measureMeshFormation } from './mesh-formation.ts'
export type { MeshResult } from './mesh-formation.ts'
export { percentiles } from './percentiles.ts'
export type { Percentiles } from './percentiles.ts'
