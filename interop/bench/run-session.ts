/**
 * One session: one fresh server of the target, one generator run against it (interop/src's
 * JsonLinesProcess), its phase and check lines gathered in a record, and the server's profiles by phase.
 */
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { JsonLinesProcess } from '../src/json-lines-process.ts'
import { GEN } from './binaries.ts'
import { OUT, PHASE_SECONDS, PROFILE, ROOT, SEED, WAVES } from './config.ts'
import { fmt } from './format.ts'
import { progress } from './output.ts'
import { phaseLabel } from './results.ts'
import { startServer } from './servers.ts'
import { MAX_SESSION_SECONDS } from './sessions.ts'
import { isFloor, isTs } from './targets.ts'
import type { RunRecord } from './results.ts'
import type { Server } from './servers.ts'
import type { SessionDef } from './sessions.ts'
import type { TargetName } from './targets.ts'
import type { JsonEvent } from '../src/json-lines-process.ts'
import type { WriteStream } from 'node:fs'

const PROFILED_PHASES = ['connect', 'storm', 'refresh', 'discover-10', 'discover-100', 'mixed']

/** What the generator's `session --spec` gets for this session against this server */
function generatorSpec (def: SessionDef, target: TargetName, server: Server, profiled: boolean): Record<string, unknown> {
  const ts = isTs(target)
  return {
    server: server.multiaddr,
    serverPid: server.pid,
    namespace: 'bench',
    seed: SEED,
    phaseSeconds: PHASE_SECONDS,
    maxSessionSeconds: MAX_SESSION_SECONDS,
    // the Go reference keeps registrations 0.5-2.5 s (TTL read as nanoseconds) and the floor stores
    // nothing: nothing to check there
    checkRendezvous: ts && !isFloor(target),
    checkWaku: ts && !isFloor(target) && def.spec.dialect === 'waku',
    ...(profiled ? { profilePhases: PROFILED_PHASES } : {}),
    ...def.spec,
    ...(def.spec.kind === 'register' && WAVES > 1 ? { refreshWaves: WAVES } : {}),
    // the background re-registration exists for the Go reference's vanishing registrations: Go only
    ...(target !== 'go' ? { keepaliveMs: 0 } : {}),
    // rust-libp2p reads only its legacy record format
    ...(target === 'rust' ? { recordFormat: 'rust-legacy' } : {})
  }
}

/** The generator's lines, into the record as they come (phases also as progress lines) */
function onGeneratorEvent (record: RunRecord, profiled: string[]): (event: JsonEvent) => void {
  return (event) => {
    if (event.event === 'phase') {
      record.phases.push(event as any)
      progress(`  ${record.session.padEnd(16)} ${record.target.padEnd(9)} r${record.round} ${phaseLabel(event as any).padEnd(14)} ${fmt(event.opsPerSec, 0).padStart(7)} ops/s  p99 ${fmt(event.p99Ms, 1).padStart(7)} ms  cpu ${fmt(event.serverCpuSec, 2)} s  errors ${event.errors}`)
    } else if (event.event === 'check') {
      record.checks.push(event as any)
    } else if (event.event === 'profiled') {
      profiled.push(String(event.name))
    } else if (event.event === 'error') {
      record.error = String(event.message)
    }
  }
}

/**
 * phase-<k>.cpuprofile is the k-th profiled run, named by the generator's k-th "profiled" line (a
 * batched phase has one per batch, all merged into one summary)
 */
async function profilesByPhase (profileDir: string, profiled: string[]): Promise<Array<{ phase: string, paths: string[] }>> {
  const files = new Set(await readdir(profileDir).catch(() => []))
  const byPhase = new Map<string, string[]>()
  profiled.forEach((name, k) => {
    const file = `phase-${k + 1}.cpuprofile`
    if (files.has(file)) {
      byPhase.set(name, [...(byPhase.get(name) ?? []), join(profileDir, file)])
    }
  })
  return [...byPhase].map(([phase, paths]) => ({ phase, paths }))
}

/** Run one session against one target in one round; a failure is recorded, never thrown */
export async function runSession (def: SessionDef, target: TargetName, round: number, log: WriteStream): Promise<RunRecord> {
  const record: RunRecord = { session: def.id, target, round, dialect: def.spec.dialect, phases: [], checks: [] }
  const profiled: string[] = []
  const profileDir = PROFILE && isTs(target) ? join(OUT, 'profiles', `${def.id}-${target}-r${round}`) : undefined
  if (profileDir != null) {
    await rm(profileDir, { recursive: true, force: true })
    await mkdir(profileDir, { recursive: true })
  }
  log.write(`\n=== ${def.id} ${target} round ${round} ===\n`)
  let server: Server | undefined
  try {
    server = await startServer(target, log, profileDir)
    const spec = generatorSpec(def, target, server, profileDir != null)
    const gen = JsonLinesProcess.start(GEN, ['session', '--spec', JSON.stringify(spec)], {
      cwd: ROOT,
      // the generator ends the session itself by then; past it, it is killed
      lifetime: (MAX_SESSION_SECONDS + 30) * 1000,
      onStderr: line => { log.write(`${line}\n`) },
      onEvent: onGeneratorEvent(record, profiled)
    })
    const exit = await gen.exited
    if (exit.signal === 'SIGKILL') {
      record.error ??= 'generator timed out'
    } else if (exit.code !== 0) {
      record.error ??= `generator exited with ${exit.code}`
    }
  } catch (err: any) {
    record.error = err.message
  } finally {
    if (server != null) {
      await server.stop()
      const stats = server.events.find(l => l.event === 'stats')
      if (stats != null) {
        record.serverStats = stats
      }
    }
  }
  if (profileDir != null) {
    record.profiles = await profilesByPhase(profileDir, profiled)
  }
  if (record.error != null) {
    progress(`  ${def.id} ${target} r${round}: ERROR ${record.error}`)
  }
  return record
}
