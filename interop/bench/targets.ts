/**
 * The servers a session can run against, and the ones this run selects (BENCH_TARGETS).
 */
import { TARGET_FILTER } from './config.ts'

export type TsTarget = 'ts-floor' | 'ts-memory' | 'ts-sqlite' | 'ts-postgres' | 'ts-postgres-w2'
/** `<ts target>+`: the same with BENCH_VARIANT's flags (an A/B experiment) */
export type TargetName = 'go' | TsTarget | `${TsTarget}+` | 'go-libp2p' | 'rust'

/**
 * The /vac/waku/rendezvous/0.0.1 targets. `ts-floor` is the stack's floor (`ts-server.ts --floor`: read one
 * frame, answer a fixed REGISTER OK): it stores nothing, so it runs in the register and idle sessions only,
 * next to the Go reference and before this server in each round (A/B alternating)
 */
export const ALL_TARGETS: TargetName[] = ['go', 'ts-floor', 'ts-memory', 'ts-sqlite']
/** The targets of sessions that read back what was stored (discovery): not the floor */
export const STORING_TARGETS: TargetName[] = ['go', 'ts-memory', 'ts-sqlite']
/** The /rendezvous/1.0.0 targets: ours and the two yardsticks */
export const V1_TARGETS: TargetName[] = ['ts-memory', 'ts-sqlite', 'go-libp2p', 'rust']
export const V1_YARDSTICKS: TargetName[] = ['go-libp2p', 'rust']
/** Over PostgreSQL, in one process and in two workers (issue 14): the storm sessions only */
export const POSTGRES_TARGETS: TargetName[] = ['ts-postgres', 'ts-postgres-w2']

/** The targets this run selects */
export const TARGETS = [...ALL_TARGETS, ...V1_YARDSTICKS, ...POSTGRES_TARGETS].filter(t => TARGET_FILTER?.includes(t) ?? true)

export const isPostgres = (target: TargetName): boolean => target.startsWith('ts-postgres')
export const isTs = (target: TargetName): boolean => target.startsWith('ts-')
export const isFloor = (target: TargetName): boolean => target.startsWith('ts-floor')
export const isVariant = (target: TargetName): boolean => target.endsWith('+')
